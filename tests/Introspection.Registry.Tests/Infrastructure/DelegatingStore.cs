using Introspection.Registry.Stores;

namespace Introspection.Registry.Tests.Infrastructure;

/// <summary>Passes every call to an inner store; tests override what they want to break.</summary>
internal class DelegatingStore(IRegistryStore inner) : IRegistryStore
{
    public string Name => inner.Name;

    public virtual ValueTask<RegisterResult> RegisterAsync(string ns, InstanceRecord instance, TimeSpan ttl, CancellationToken cancellationToken) => inner.RegisterAsync(ns, instance, ttl, cancellationToken);

    public virtual ValueTask<RenewResult> RenewAsync(string ns, long leaseId, CancellationToken cancellationToken) => inner.RenewAsync(ns, leaseId, cancellationToken);

    public virtual ValueTask<long?> UpdateInstanceAsync(string ns, string app, string instanceId, string? revision, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken) => inner.UpdateInstanceAsync(ns, app, instanceId, revision, labels, cancellationToken);

    public virtual ValueTask<long?> DeregisterAsync(string ns, string app, string instanceId, CancellationToken cancellationToken) => inner.DeregisterAsync(ns, app, instanceId, cancellationToken);

    public virtual ValueTask<RegisterResult> RegisterAsync(string ns, InstanceRecord instance, TimeSpan ttl, LeaseOwnership ownership, CancellationToken cancellationToken) => inner.RegisterAsync(ns, instance, ttl, ownership, cancellationToken);

    public virtual ValueTask<RenewResult> RenewAsync(string ns, long leaseId, LeaseOwnership ownership, CancellationToken cancellationToken) => inner.RenewAsync(ns, leaseId, ownership, cancellationToken);

    public virtual ValueTask<long?> UpdateInstanceAsync(string ns, string app, string instanceId, string? revision, IReadOnlyDictionary<string, string>? labels, LeaseOwnership ownership, CancellationToken cancellationToken) => inner.UpdateInstanceAsync(ns, app, instanceId, revision, labels, ownership, cancellationToken);

    public virtual ValueTask<long?> DeregisterAsync(string ns, string app, string instanceId, LeaseOwnership ownership, CancellationToken cancellationToken) => inner.DeregisterAsync(ns, app, instanceId, ownership, cancellationToken);

    public virtual ValueTask<long> MapServicesAsync(string ns, string app, IReadOnlyList<string> services, CancellationToken cancellationToken) => inner.MapServicesAsync(ns, app, services, cancellationToken);

    public virtual ValueTask<AppsResult> ListAppsAsync(string ns, CancellationToken cancellationToken) => inner.ListAppsAsync(ns, cancellationToken);

    public virtual ValueTask<InstancesResult> ListInstancesAsync(string ns, string app, CancellationToken cancellationToken) => inner.ListInstancesAsync(ns, app, cancellationToken);

    public virtual ValueTask<LookupResult> LookupServiceAsync(string ns, string service, CancellationToken cancellationToken) => inner.LookupServiceAsync(ns, service, cancellationToken);

    public virtual ValueTask<StoreSnapshot> GetSnapshotAsync(string ns, IReadOnlySet<string>? apps, bool includeMappings, CancellationToken cancellationToken) => inner.GetSnapshotAsync(ns, apps, includeMappings, cancellationToken);

    public virtual ValueTask<long> GetRevisionAsync(CancellationToken cancellationToken) => inner.GetRevisionAsync(cancellationToken);

    public virtual ValueTask<ChangeBatch> ReadChangesAsync(long afterRevision, int maxEvents, CancellationToken cancellationToken) => inner.ReadChangesAsync(afterRevision, maxEvents, cancellationToken);

    public virtual ValueTask WaitForChangesAsync(long afterRevision, CancellationToken cancellationToken) => inner.WaitForChangesAsync(afterRevision, cancellationToken);

    public virtual ValueTask<LeaseScan> ScanLeasesAsync(int maxLapsed, CancellationToken cancellationToken) => inner.ScanLeasesAsync(maxLapsed, cancellationToken);

    public virtual ValueTask<long?> EvictAsync(LapsedLease lease, CancellationToken cancellationToken) => inner.EvictAsync(lease, cancellationToken);

    public virtual ValueTask<int> UnmapIdleAppsAsync(TimeSpan idleFor, int maxApps, CancellationToken cancellationToken) => inner.UnmapIdleAppsAsync(idleFor, maxApps, cancellationToken);
}
