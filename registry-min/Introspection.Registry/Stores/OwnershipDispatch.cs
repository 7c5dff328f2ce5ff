namespace Introspection.Registry.Stores;

/// <summary>
/// Calls the ownership overloads of <see cref="IRegistryStore"/> only when there is an owner to record or check, and
/// the original overloads otherwise: an anonymous registry behaves exactly as before ownership existed, also with
/// a store (or a decorator) that overrides only the original methods.
/// </summary>
internal static class OwnershipDispatch
{
    public static ValueTask<RegisterResult> RegisterOwnedAsync(this IRegistryStore store, string ns, InstanceRecord instance, TimeSpan ttl, LeaseOwnership ownership, CancellationToken cancellationToken) =>
        ownership.Principal is null ? store.RegisterAsync(ns, instance, ttl, cancellationToken) : store.RegisterAsync(ns, instance, ttl, ownership, cancellationToken);

    public static ValueTask<RenewResult> RenewOwnedAsync(this IRegistryStore store, string ns, long leaseId, LeaseOwnership ownership, CancellationToken cancellationToken) =>
        ownership.RequiredOwner is null ? store.RenewAsync(ns, leaseId, cancellationToken) : store.RenewAsync(ns, leaseId, ownership, cancellationToken);

    public static ValueTask<long?> UpdateOwnedAsync(this IRegistryStore store, string ns, string app, string instanceId, string? revision, IReadOnlyDictionary<string, string>? labels, LeaseOwnership ownership, CancellationToken cancellationToken) =>
        ownership.RequiredOwner is null ? store.UpdateInstanceAsync(ns, app, instanceId, revision, labels, cancellationToken) : store.UpdateInstanceAsync(ns, app, instanceId, revision, labels, ownership, cancellationToken);

    public static ValueTask<long?> DeregisterOwnedAsync(this IRegistryStore store, string ns, string app, string instanceId, LeaseOwnership ownership, CancellationToken cancellationToken) =>
        ownership.RequiredOwner is null ? store.DeregisterAsync(ns, app, instanceId, cancellationToken) : store.DeregisterAsync(ns, app, instanceId, ownership, cancellationToken);
}
