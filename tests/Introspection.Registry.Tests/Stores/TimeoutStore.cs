using Introspection.Registry.Stores;
using Introspection.Registry.Tests.Infrastructure;

namespace Introspection.Registry.Tests.Stores;

/// <summary>
/// Puts a timeout on every store call of the contract tests, so a store that talks to a server
/// (Redis) fails a test instead of hanging it.
/// </summary>
/// <remarks>
/// Re-implements <see cref="IRegistryStore"/> for <see cref="IRegistryStore.RenewBatchAsync"/> only: the
/// contract tests must reach the store's own batch (Redis overrides it), not the interface's one-by-one
/// default. <see cref="DelegatingStore"/> keeps the default on purpose, so a test that breaks RenewAsync
/// breaks batched renewals too.
/// </remarks>
internal sealed class TimeoutStore(IRegistryStore inner) : DelegatingStore(inner), IRegistryStore
{
    private readonly IRegistryStore _inner = inner;

    private static readonly TimeSpan Timeout = TestTimeouts.Long;

    public override ValueTask<RegisterResult> RegisterAsync(string ns, InstanceRecord instance, TimeSpan ttl, CancellationToken cancellationToken) => Limit(base.RegisterAsync(ns, instance, ttl, cancellationToken));

    public override ValueTask<RenewResult> RenewAsync(string ns, long leaseId, CancellationToken cancellationToken) => Limit(base.RenewAsync(ns, leaseId, cancellationToken));

    public override ValueTask<long?> UpdateInstanceAsync(string ns, string app, string instanceId, string? revision, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken) => Limit(base.UpdateInstanceAsync(ns, app, instanceId, revision, labels, cancellationToken));

    public override ValueTask<long?> DeregisterAsync(string ns, string app, string instanceId, CancellationToken cancellationToken) => Limit(base.DeregisterAsync(ns, app, instanceId, cancellationToken));

    public override ValueTask<RegisterResult> RegisterAsync(string ns, InstanceRecord instance, TimeSpan ttl, LeaseOwnership ownership, CancellationToken cancellationToken) => Limit(base.RegisterAsync(ns, instance, ttl, ownership, cancellationToken));

    public override ValueTask<RenewResult> RenewAsync(string ns, long leaseId, LeaseOwnership ownership, CancellationToken cancellationToken) => Limit(base.RenewAsync(ns, leaseId, ownership, cancellationToken));

    public ValueTask<IReadOnlyList<RenewResult>> RenewBatchAsync(IReadOnlyList<LeaseRenewal> renewals, CancellationToken cancellationToken) => Limit(_inner.RenewBatchAsync(renewals, cancellationToken));

    public override ValueTask<long?> UpdateInstanceAsync(string ns, string app, string instanceId, string? revision, IReadOnlyDictionary<string, string>? labels, LeaseOwnership ownership, CancellationToken cancellationToken) => Limit(base.UpdateInstanceAsync(ns, app, instanceId, revision, labels, ownership, cancellationToken));

    public override ValueTask<long?> DeregisterAsync(string ns, string app, string instanceId, LeaseOwnership ownership, CancellationToken cancellationToken) => Limit(base.DeregisterAsync(ns, app, instanceId, ownership, cancellationToken));

    public override ValueTask<int> UnmapIdleAppsAsync(TimeSpan idleFor, int maxApps, CancellationToken cancellationToken) => Limit(base.UnmapIdleAppsAsync(idleFor, maxApps, cancellationToken));

    public override ValueTask<long> MapServicesAsync(string ns, string app, IReadOnlyList<string> services, CancellationToken cancellationToken) => Limit(base.MapServicesAsync(ns, app, services, cancellationToken));

    public override ValueTask<AppsResult> ListAppsAsync(string ns, CancellationToken cancellationToken) => Limit(base.ListAppsAsync(ns, cancellationToken));

    public override ValueTask<InstancesResult> ListInstancesAsync(string ns, string app, CancellationToken cancellationToken) => Limit(base.ListInstancesAsync(ns, app, cancellationToken));

    public override ValueTask<LookupResult> LookupServiceAsync(string ns, string service, CancellationToken cancellationToken) => Limit(base.LookupServiceAsync(ns, service, cancellationToken));

    public override ValueTask<StoreSnapshot> GetSnapshotAsync(string ns, IReadOnlySet<string>? apps, bool includeMappings, CancellationToken cancellationToken) => Limit(base.GetSnapshotAsync(ns, apps, includeMappings, cancellationToken));

    public override ValueTask<long> GetRevisionAsync(CancellationToken cancellationToken) => Limit(base.GetRevisionAsync(cancellationToken));

    public override ValueTask<ChangeBatch> ReadChangesAsync(long afterRevision, int maxEvents, CancellationToken cancellationToken) => Limit(base.ReadChangesAsync(afterRevision, maxEvents, cancellationToken));

    public override ValueTask<LeaseScan> ScanLeasesAsync(int maxLapsed, CancellationToken cancellationToken) => Limit(base.ScanLeasesAsync(maxLapsed, cancellationToken));

    public override ValueTask<long?> EvictAsync(LapsedLease lease, CancellationToken cancellationToken) => Limit(base.EvictAsync(lease, cancellationToken));

    private static ValueTask<T> Limit<T>(ValueTask<T> call) =>
        call.IsCompletedSuccessfully ? call : new ValueTask<T>(call.AsTask().WaitAsync(Timeout));
}
