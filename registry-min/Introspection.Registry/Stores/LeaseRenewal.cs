namespace Introspection.Registry.Stores;

/// <summary>One renewal of a KeepAlive burst, for <see cref="IRegistryStore.RenewBatchAsync"/>.</summary>
/// <param name="Namespace">The lease's namespace (validated, canonical).</param>
/// <param name="LeaseId">The lease to renew (&gt; 0).</param>
/// <param name="Ownership">Who renews: another principal's lease answers <see cref="RenewResult.NotFound"/>.</param>
public readonly record struct LeaseRenewal(string Namespace, long LeaseId, LeaseOwnership Ownership);
