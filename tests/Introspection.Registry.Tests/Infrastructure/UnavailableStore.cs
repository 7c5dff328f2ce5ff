using Introspection.Registry.Stores;

namespace Introspection.Registry.Tests.Infrastructure;

/// <summary>A store whose backend is down: every call throws <see cref="RegistryStoreUnavailableException"/>.</summary>
internal sealed class UnavailableStore : IRegistryStore
{
    public string Name => "unavailable";

    public ValueTask<RegisterResult> RegisterAsync(string ns, InstanceRecord instance, TimeSpan ttl, CancellationToken cancellationToken) => throw Down();

    public ValueTask<RenewResult> RenewAsync(string ns, long leaseId, CancellationToken cancellationToken) => throw Down();

    public ValueTask<long?> UpdateInstanceAsync(string ns, string app, string instanceId, string? revision, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken) => throw Down();

    public ValueTask<long?> DeregisterAsync(string ns, string app, string instanceId, CancellationToken cancellationToken) => throw Down();

    public ValueTask<long> MapServicesAsync(string ns, string app, IReadOnlyList<string> services, CancellationToken cancellationToken) => throw Down();

    public ValueTask<AppsResult> ListAppsAsync(string ns, CancellationToken cancellationToken) => throw Down();

    public ValueTask<InstancesResult> ListInstancesAsync(string ns, string app, CancellationToken cancellationToken) => throw Down();

    public ValueTask<LookupResult> LookupServiceAsync(string ns, string service, CancellationToken cancellationToken) => throw Down();

    public ValueTask<StoreSnapshot> GetSnapshotAsync(string ns, IReadOnlySet<string>? apps, bool includeMappings, CancellationToken cancellationToken) => throw Down();

    public ValueTask<long> GetRevisionAsync(CancellationToken cancellationToken) => throw Down();

    public ValueTask<ChangeBatch> ReadChangesAsync(long afterRevision, int maxEvents, CancellationToken cancellationToken) => throw Down();

    public ValueTask WaitForChangesAsync(long afterRevision, CancellationToken cancellationToken) => throw Down();

    public ValueTask<LeaseScan> ScanLeasesAsync(int maxLapsed, CancellationToken cancellationToken) => throw Down();

    public ValueTask<long?> EvictAsync(LapsedLease lease, CancellationToken cancellationToken) => throw Down();

    public ValueTask<int> UnmapIdleAppsAsync(TimeSpan idleFor, int maxApps, CancellationToken cancellationToken) => throw Down();

    private static RegistryStoreUnavailableException Down() => new("test: the store is down");
}
