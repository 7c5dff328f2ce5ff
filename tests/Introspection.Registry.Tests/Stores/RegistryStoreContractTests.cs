using Introspection.Registry.Stores;
using Introspection.Registry.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Introspection.Registry.Tests.Stores;

/// <summary>
/// The store contract (registry-min/Introspection.Registry/Stores/README.md), run against every store through its fixture.
/// </summary>
public abstract class RegistryStoreContractTests<TFixture> : IClassFixture<TFixture>
    where TFixture : RegistryStoreFixture
{
    private const string Ns = "default";
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);

    private readonly TFixture _fixture;

    protected RegistryStoreContractTests(TFixture fixture) => _fixture = fixture;

    private FakeTimeProvider Time { get; } = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task Register_NewInstance_ListedWithModRevisionAndOnePutEvent()
    {
        var store = await CreateAsync();
        var start = await store.GetRevisionAsync(Ct);

        var result = await store.RegisterAsync(Ns, Record("orders", "a"), Ttl, Ct);

        Assert.True(result.LeaseId > 0);
        Assert.Equal(Ttl, result.Ttl);
        Assert.True(result.Revision > start);
        Assert.Equal(result.Revision, await store.GetRevisionAsync(Ct));
        var listed = Assert.Single((await store.ListInstancesAsync(Ns, "orders", Ct)).Instances);
        Assert.Equal(("a", "10.0.0.1", 5000, Instances.RevisionA, result.Revision), (listed.InstanceId, listed.Host, listed.Port, listed.Revision, listed.ModRevision));
        Assert.Equal("a", listed.Labels["zone"]);
        var change = Assert.Single((await store.ReadChangesAsync(start, 100, Ct)).Events);
        Assert.Equal((ChangeKind.Put, result.Revision, Ns, "a"), (change.Kind, change.Revision, change.Namespace, change.Instance!.InstanceId));
    }

    [Fact]
    public async Task Register_SameInstanceAgain_ReplacesWithOnePutAndRevokesOldLease()
    {
        var store = await CreateAsync();
        var first = await store.RegisterAsync(Ns, Record("orders", "a"), Ttl, Ct);

        var second = await store.RegisterAsync(Ns, Record("orders", "a") with { Port = 6000 }, Ttl, Ct);

        Assert.NotEqual(first.LeaseId, second.LeaseId);
        Assert.False((await store.RenewAsync(Ns, first.LeaseId, Ct)).Found);
        Assert.True((await store.RenewAsync(Ns, second.LeaseId, Ct)).Found);
        var listed = Assert.Single((await store.ListInstancesAsync(Ns, "orders", Ct)).Instances);
        Assert.Equal(6000, listed.Port);
        var change = Assert.Single((await store.ReadChangesAsync(first.Revision, 100, Ct)).Events);
        Assert.Equal((ChangeKind.Put, second.Revision), (change.Kind, change.Revision));
        Assert.Equal(1, (await store.ScanLeasesAsync(10, Ct)).TotalLeases);
    }

    [Fact]
    public async Task Changes_EveryKind_StrictlyIncreasingRevisionsOneEventEach()
    {
        var store = await CreateAsync();
        var start = await store.GetRevisionAsync(Ct);
        var r1 = (await store.RegisterAsync(Ns, Record("orders", "a"), Ttl, Ct)).Revision;
        var r2 = (await store.UpdateInstanceAsync(Ns, "orders", "a", Instances.RevisionB, null, Ct))!.Value;
        var r3 = await store.MapServicesAsync(Ns, "orders", ["shop.Orders"], Ct);
        var r4 = (await store.DeregisterAsync(Ns, "orders", "a", Ct))!.Value;

        var batch = await store.ReadChangesAsync(start, 100, Ct);

        Assert.False(batch.HistoryLost);
        Assert.Equal([r1, r2, r3, r4], batch.Events.Select(e => e.Revision));
        Assert.Equal([ChangeKind.Put, ChangeKind.Put, ChangeKind.MappingPut, ChangeKind.Delete], batch.Events.Select(e => e.Kind));
        Assert.True(r1 > start && r2 > r1 && r3 > r2 && r4 > r3);
        Assert.Equal(r4, batch.CurrentRevision);
        Assert.Equal(Instances.RevisionB, batch.Events[1].Instance!.Revision);
        Assert.Equal(new ServiceAppPair("shop.Orders", "orders"), batch.Events[2].Mapping);
        Assert.Equal("a", batch.Events[3].Instance!.InstanceId);
    }

    [Fact]
    public async Task UpdateInstance_NothingChanged_NoEventAndModRevision()
    {
        var store = await CreateAsync();
        var registered = await store.RegisterAsync(Ns, Record("orders", "a"), Ttl, Ct);

        var same = await store.UpdateInstanceAsync(Ns, "orders", "a", Instances.RevisionA, new Dictionary<string, string> { ["zone"] = "a" }, Ct);

        Assert.Equal(registered.Revision, same);
        Assert.Equal(registered.Revision, await store.GetRevisionAsync(Ct));
    }

    [Fact]
    public async Task UpdateInstance_Labels_ReplacedWithOnePut()
    {
        var store = await CreateAsync();
        await store.RegisterAsync(Ns, Record("orders", "a"), Ttl, Ct);

        var revision = await store.UpdateInstanceAsync(Ns, "orders", "a", null, new Dictionary<string, string> { ["weight"] = "5" }, Ct);

        var listed = Assert.Single((await store.ListInstancesAsync(Ns, "orders", Ct)).Instances);
        Assert.Equal(revision, listed.ModRevision);
        Assert.Equal(["weight"], listed.Labels.Keys);
        Assert.Equal(Instances.RevisionA, listed.Revision);
    }

    [Fact]
    public async Task UpdateAndDeregister_UnknownInstance_NullAndNoEvent()
    {
        var store = await CreateAsync();
        var start = await store.GetRevisionAsync(Ct);

        Assert.Null(await store.UpdateInstanceAsync(Ns, "orders", "nope", Instances.RevisionB, null, Ct));
        Assert.Null(await store.DeregisterAsync(Ns, "orders", "nope", Ct));
        Assert.Equal(start, await store.GetRevisionAsync(Ct));
    }

    [Fact]
    public async Task Deregister_Known_RemovesInstanceAndRevokesLease()
    {
        var store = await CreateAsync();
        var registered = await store.RegisterAsync(Ns, Record("orders", "a"), Ttl, Ct);

        var revision = await store.DeregisterAsync(Ns, "orders", "a", Ct);

        Assert.NotNull(revision);
        Assert.Empty((await store.ListInstancesAsync(Ns, "orders", Ct)).Instances);
        Assert.Empty((await store.ListAppsAsync(Ns, Ct)).Apps);
        Assert.False((await store.RenewAsync(Ns, registered.LeaseId, Ct)).Found);
        Assert.Null(await store.DeregisterAsync(Ns, "orders", "a", Ct));
    }

    [Fact]
    public async Task Namespaces_SameNames_Isolated()
    {
        var store = await CreateAsync();
        var lease = (await store.RegisterAsync("staging", Record("orders", "a"), Ttl, Ct)).LeaseId;

        Assert.Empty((await store.ListInstancesAsync(Ns, "orders", Ct)).Instances);
        Assert.Empty((await store.ListAppsAsync(Ns, Ct)).Apps);
        Assert.False((await store.RenewAsync(Ns, lease, Ct)).Found);
        Assert.Null(await store.DeregisterAsync(Ns, "orders", "a", Ct));
        Assert.Equal([new KeyValuePair<string, int>("orders", 1)], (await store.ListAppsAsync("staging", Ct)).Apps);
    }

    [Fact]
    public async Task ListApps_SeveralApps_OrdinalWithCounts()
    {
        var store = await CreateAsync();
        await store.RegisterAsync(Ns, Record("b", "1"), Ttl, Ct);
        await store.RegisterAsync(Ns, Record("a", "2"), Ttl, Ct);
        await store.RegisterAsync(Ns, Record("a", "1"), Ttl, Ct);
        await store.MapServicesAsync(Ns, "mapped-only", ["x.Y"], Ct);

        var apps = await store.ListAppsAsync(Ns, Ct);

        Assert.Equal([("a", 2), ("b", 1)], apps.Apps.Select(a => (a.Key, a.Value)));
        Assert.Equal(["1", "2"], (await store.ListInstancesAsync(Ns, "a", Ct)).Instances.Select(i => i.InstanceId));
    }

    [Fact]
    public async Task MapServices_RepeatedPairs_OneEventPerNewPairOnly()
    {
        var store = await CreateAsync();
        var start = await store.GetRevisionAsync(Ct);

        var first = await store.MapServicesAsync(Ns, "orders", ["shop.Orders", "shop.Refunds"], Ct);
        var again = await store.MapServicesAsync(Ns, "orders", ["shop.Refunds", "shop.Orders"], Ct);
        await store.MapServicesAsync(Ns, "legacy", ["shop.Orders"], Ct);

        Assert.Equal(first, again);
        Assert.Equal(3, (await store.ReadChangesAsync(start, 100, Ct)).Events.Count);
        Assert.Equal(["legacy", "orders"], (await store.LookupServiceAsync(Ns, "shop.Orders", Ct)).Apps);
        Assert.Empty((await store.LookupServiceAsync(Ns, "shop.Unknown", Ct)).Apps);
    }

    [Fact]
    public async Task GetSnapshot_AppFilterAndMappings_ConsistentWithRevision()
    {
        var store = await CreateAsync();
        await store.RegisterAsync(Ns, Record("orders", "b"), Ttl, Ct);
        await store.RegisterAsync(Ns, Record("orders", "a"), Ttl, Ct);
        await store.RegisterAsync(Ns, Record("billing", "x"), Ttl, Ct);
        await store.RegisterAsync("other", Record("orders", "z"), Ttl, Ct);
        var last = await store.MapServicesAsync(Ns, "orders", ["shop.Orders"], Ct);

        var filtered = await store.GetSnapshotAsync(Ns, new HashSet<string> { "orders", "missing" }, includeMappings: false, Ct);
        var all = await store.GetSnapshotAsync(Ns, null, includeMappings: true, Ct);

        Assert.Equal(["a", "b"], filtered.Instances.Select(i => i.InstanceId));
        Assert.Empty(filtered.Mappings);
        Assert.Equal(last, filtered.Revision);
        Assert.Equal([("billing", "x"), ("orders", "a"), ("orders", "b")], all.Instances.Select(i => (i.App, i.InstanceId)));
        Assert.Equal([new ServiceAppPair("shop.Orders", "orders")], all.Mappings);
    }

    [Fact]
    public async Task ReadChanges_MaxEvents_PagesInOrder()
    {
        var store = await CreateAsync();
        var start = await store.GetRevisionAsync(Ct);
        for (var i = 0; i < 7; i++)
        {
            await store.RegisterAsync(Ns, Record("orders", $"i{i}"), Ttl, Ct);
        }

        var first = await store.ReadChangesAsync(start, 3, Ct);
        var second = await store.ReadChangesAsync(first.Events[^1].Revision, 100, Ct);
        var none = await store.ReadChangesAsync(second.Events[^1].Revision, 100, Ct);

        Assert.Equal(3, first.Events.Count);
        Assert.Equal(4, second.Events.Count);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"i{i}"), first.Events.Concat(second.Events).Select(e => e.Instance!.InstanceId));
        Assert.False(none.HistoryLost);
        Assert.Empty(none.Events);
    }

    [Fact]
    public async Task ReadChanges_TrimmedByCount_HistoryLost()
    {
        var store = await CreateAsync(o => o.History.MaxEvents = 3);
        var start = await store.GetRevisionAsync(Ct);
        var revisions = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            revisions.Add((await store.RegisterAsync(Ns, Record("orders", $"i{i}"), Ttl, Ct)).Revision);
        }

        var lost = await store.ReadChangesAsync(start, 100, Ct);
        var kept = await store.ReadChangesAsync(revisions[1], 100, Ct);

        Assert.True(lost.HistoryLost);
        Assert.Empty(lost.Events);
        Assert.False(kept.HistoryLost);
        Assert.Equal(["i2", "i3", "i4"], kept.Events.Select(e => e.Instance!.InstanceId));
    }

    [Fact]
    public async Task ReadChanges_TrimmedByAge_HistoryLost()
    {
        var store = await CreateAsync(o => o.History.MaxAge = TimeSpan.FromMinutes(1));
        var start = await store.GetRevisionAsync(Ct);
        await store.RegisterAsync(Ns, Record("orders", "old"), Ttl, Ct);
        Time.Advance(TimeSpan.FromSeconds(61));
        var recent = await store.RegisterAsync(Ns, Record("orders", "new"), Ttl, Ct);

        Assert.True((await store.ReadChangesAsync(start, 100, Ct)).HistoryLost);
        var kept = await store.ReadChangesAsync(recent.Revision - 1, 100, Ct);
        Assert.False(kept.HistoryLost);
        Assert.Equal("new", Assert.Single(kept.Events).Instance!.InstanceId);
    }

    [Fact]
    public async Task ReadChanges_RevisionInFuture_HistoryLost()
    {
        var store = await CreateAsync();
        var current = await store.GetRevisionAsync(Ct);

        var batch = await store.ReadChangesAsync(current + 1, 100, Ct);

        Assert.True(batch.HistoryLost);
        Assert.Equal(current, batch.CurrentRevision);
    }

    [Fact]
    public async Task WaitForChanges_ChangeAfterWait_Completes()
    {
        var store = await CreateAsync();
        var current = await store.GetRevisionAsync(Ct);
        using var cts = new CancellationTokenSource(TestTimeouts.Long);

        var wait = store.WaitForChangesAsync(current, cts.Token).AsTask();
        await store.RegisterAsync(Ns, Record("orders", "a"), Ttl, Ct);

        await wait.WaitAsync(TestTimeouts.Long);
        await store.WaitForChangesAsync(current, cts.Token).AsTask().WaitAsync(TestTimeouts.Short);
    }

    [Fact]
    public async Task Renew_BeforeExpiry_PushesExpiryOut()
    {
        var store = await CreateAsync();
        var lease = (await store.RegisterAsync(Ns, Record("orders", "a"), Ttl, Ct)).LeaseId;

        Time.Advance(TimeSpan.FromSeconds(8));
        var renewed = await store.RenewAsync(Ns, lease, Ct);
        Time.Advance(TimeSpan.FromSeconds(8));

        Assert.True(renewed.Found);
        Assert.Equal(Ttl, renewed.Remaining);
        Assert.Equal(0, (await store.ScanLeasesAsync(10, Ct)).TotalLapsed);
        Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, (await store.ScanLeasesAsync(10, Ct)).TotalLapsed);
    }

    [Fact]
    public async Task Renew_UnknownLease_NotFound()
    {
        var store = await CreateAsync();

        var result = await store.RenewAsync(Ns, 123456789, Ct);

        Assert.False(result.Found);
        Assert.Equal(TimeSpan.Zero, result.Remaining);
    }

    [Fact]
    public async Task Renew_LapsedButNotEvicted_Renewed()
    {
        var store = await CreateAsync();
        var lease = (await store.RegisterAsync(Ns, Record("orders", "a"), Ttl, Ct)).LeaseId;
        Time.Advance(TimeSpan.FromSeconds(30));

        Assert.True((await store.RenewAsync(Ns, lease, Ct)).Found);
        Assert.Equal(0, (await store.ScanLeasesAsync(10, Ct)).TotalLapsed);
    }

    [Fact]
    public async Task ScanLeases_SomeLapsed_ReportsOldestFirstAndChangesNothing()
    {
        var store = await CreateAsync();
        await store.RegisterAsync(Ns, Record("orders", "long"), TimeSpan.FromSeconds(60), Ct);
        await store.RegisterAsync(Ns, Record("orders", "late"), TimeSpan.FromSeconds(5), Ct);
        await store.RegisterAsync(Ns, Record("orders", "early"), TimeSpan.FromSeconds(2), Ct);
        var revision = await store.GetRevisionAsync(Ct);
        Time.Advance(TimeSpan.FromSeconds(6));

        var scan = await store.ScanLeasesAsync(1, Ct);

        Assert.Equal(3, scan.TotalLeases);
        Assert.Equal(2, scan.TotalLapsed);
        Assert.Equal("early", Assert.Single(scan.Lapsed).InstanceId);
        Assert.Equal(revision, await store.GetRevisionAsync(Ct));
        Assert.Equal(3, (await store.ListInstancesAsync(Ns, "orders", Ct)).Instances.Count);
    }

    [Fact]
    public async Task ScanLeases_RenewedAtLeastOnce_CountedAsEstablished()
    {
        var store = await CreateAsync();
        var renewed = await store.RegisterAsync(Ns, Record("orders", "renewed"), TimeSpan.FromSeconds(2), Ct);
        await store.RegisterAsync(Ns, Record("orders", "never"), TimeSpan.FromSeconds(2), Ct);
        var replaced = await store.RegisterAsync(Ns, Record("orders", "replaced"), TimeSpan.FromSeconds(2), Ct);
        Assert.True((await store.RenewAsync(Ns, renewed.LeaseId, Ct)).Found);
        Assert.True((await store.RenewAsync(Ns, replaced.LeaseId, Ct)).Found);

        // Registering again grants a new lease that has not proven itself yet.
        await store.RegisterAsync(Ns, Record("orders", "replaced"), TimeSpan.FromSeconds(2), Ct);
        Time.Advance(TimeSpan.FromSeconds(2));

        var scan = await store.ScanLeasesAsync(10, Ct);

        Assert.Equal((3, 3, 1, 1), (scan.TotalLeases, scan.TotalLapsed, scan.EstablishedLeases, scan.EstablishedLapsed));
        Assert.Equal(["renewed"], scan.Lapsed.Where(l => l.Established).Select(l => l.InstanceId));
        Assert.NotNull(await store.EvictAsync(scan.Lapsed.Single(l => l.Established), Ct));
        var after = await store.ScanLeasesAsync(10, Ct);
        Assert.Equal((2, 0L), (after.TotalLeases, after.EstablishedLeases));
    }

    [Fact]
    public async Task Evict_LapsedLease_RemovesInstanceWithOneDelete()
    {
        var store = await CreateAsync();
        var registered = await store.RegisterAsync(Ns, Record("orders", "a"), Ttl, Ct);
        Time.Advance(Ttl);
        var lapsed = Assert.Single((await store.ScanLeasesAsync(10, Ct)).Lapsed);

        var revision = await store.EvictAsync(lapsed, Ct);

        Assert.NotNull(revision);
        Assert.Null(await store.EvictAsync(lapsed, Ct));
        Assert.Empty((await store.ListInstancesAsync(Ns, "orders", Ct)).Instances);
        Assert.False((await store.RenewAsync(Ns, registered.LeaseId, Ct)).Found);
        var change = Assert.Single((await store.ReadChangesAsync(registered.Revision, 100, Ct)).Events);
        Assert.Equal((ChangeKind.Delete, revision!.Value, "a"), (change.Kind, change.Revision, change.Instance!.InstanceId));
    }

    [Fact]
    public async Task Evict_RenewedAfterScan_NothingEvicted()
    {
        var store = await CreateAsync();
        var registered = await store.RegisterAsync(Ns, Record("orders", "a"), Ttl, Ct);
        Time.Advance(Ttl);
        var lapsed = Assert.Single((await store.ScanLeasesAsync(10, Ct)).Lapsed);
        await store.RenewAsync(Ns, registered.LeaseId, Ct);

        Assert.Null(await store.EvictAsync(lapsed, Ct));
        Assert.Single((await store.ListInstancesAsync(Ns, "orders", Ct)).Instances);
    }

    [Fact]
    public async Task Evict_InstanceReRegisteredAfterScan_NewRecordKept()
    {
        var store = await CreateAsync();
        await store.RegisterAsync(Ns, Record("orders", "a"), Ttl, Ct);
        Time.Advance(Ttl);
        var lapsed = Assert.Single((await store.ScanLeasesAsync(10, Ct)).Lapsed);
        await store.RegisterAsync(Ns, Record("orders", "a"), Ttl, Ct);

        Assert.Null(await store.EvictAsync(lapsed, Ct));
        Assert.Single((await store.ListInstancesAsync(Ns, "orders", Ct)).Instances);
    }

    [Fact]
    public async Task Evict_ConcurrentSweepers_EachLeaseEvictedExactlyOnce()
    {
        var store = await CreateAsync();
        var start = await store.GetRevisionAsync(Ct);
        for (var i = 0; i < 50; i++)
        {
            await store.RegisterAsync(Ns, Record("orders", $"i{i}"), Ttl, Ct);
        }

        var registered = await store.GetRevisionAsync(Ct);
        Time.Advance(Ttl);

        // Four sweepers that scanned the same leases race to evict them.
        var sweeps = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var scan = await store.ScanLeasesAsync(1000, Ct);
            var evicted = 0;
            foreach (var lease in scan.Lapsed)
            {
                if (await store.EvictAsync(lease, Ct) is not null)
                {
                    evicted++;
                }
            }

            return evicted;
        }))).WaitAsync(TestTimeouts.Long);

        Assert.Equal(50, sweeps.Sum());
        var deletes = (await store.ReadChangesAsync(registered, 1000, Ct)).Events;
        Assert.Equal(50, deletes.Count);
        Assert.All(deletes, e => Assert.Equal(ChangeKind.Delete, e.Kind));
        Assert.Equal(50, deletes.Select(e => e.Instance!.InstanceId).Distinct().Count());
        Assert.Equal(0, (await store.ScanLeasesAsync(10, Ct)).TotalLeases);
        Assert.True(registered > start);
    }

    [Fact]
    public async Task LeaseIds_ManyRegistrations_UniqueAndPositive()
    {
        var store = await CreateAsync();
        var ids = new HashSet<long>();
        for (var i = 0; i < 200; i++)
        {
            var id = (await store.RegisterAsync(Ns, Record("orders", $"i{i}"), Ttl, Ct)).LeaseId;
            Assert.True(id > 0);
            Assert.True(ids.Add(id));
        }
    }

    [Fact]
    public async Task Register_PastMaxInstancesPerNamespace_RefusedNothingChanged()
    {
        var store = await CreateAsync(o => o.Limits.MaxInstancesPerNamespace = 2);
        await store.RegisterAsync(Ns, Record("orders", "a"), Ttl, Ct);
        await store.RegisterAsync(Ns, Record("billing", "b"), Ttl, Ct);
        var revision = await store.GetRevisionAsync(Ct);

        var ex = await Assert.ThrowsAsync<RegistryLimitExceededException>(() => store.RegisterAsync(Ns, Record("orders", "c"), Ttl, Ct).AsTask());

        Assert.Equal(("MaxInstancesPerNamespace", 2L), (ex.Limit, ex.Max));
        Assert.Contains("Introspection:Registry:Limits:MaxInstancesPerNamespace", ex.Message, StringComparison.Ordinal);
        Assert.Equal(revision, await store.GetRevisionAsync(Ct));
        Assert.Equal(2, (await store.ScanLeasesAsync(10, Ct)).TotalLeases);

        // Re-registering an existing instance is no new instance; other namespaces have their own count.
        await store.RegisterAsync(Ns, Record("orders", "a"), Ttl, Ct);
        await store.RegisterAsync("other", Record("orders", "c"), Ttl, Ct);

        // A freed slot can be taken again.
        await store.DeregisterAsync(Ns, "billing", "b", Ct);
        await store.RegisterAsync(Ns, Record("orders", "c"), Ttl, Ct);
    }

    [Fact]
    public async Task Register_PastMaxNamespaces_RefusedUntilANamespaceEmpties()
    {
        var store = await CreateAsync(o => o.Limits.MaxNamespaces = 2);
        await store.RegisterAsync("one", Record("orders", "a"), Ttl, Ct);
        await store.MapServicesAsync("two", "orders", ["shop.Orders"], Ct);

        var ex = await Assert.ThrowsAsync<RegistryLimitExceededException>(() => store.RegisterAsync("three", Record("orders", "a"), Ttl, Ct).AsTask());
        Assert.Equal("MaxNamespaces", ex.Limit);
        await Assert.ThrowsAsync<RegistryLimitExceededException>(() => store.MapServicesAsync("three", "orders", ["shop.Orders"], Ct).AsTask());
        Assert.Empty((await store.ListAppsAsync("three", Ct)).Apps);

        // Existing namespaces keep working; an emptied one frees its slot.
        await store.RegisterAsync("one", Record("orders", "b"), Ttl, Ct);
        await store.DeregisterAsync("one", "orders", "a", Ct);
        await store.DeregisterAsync("one", "orders", "b", Ct);
        await store.RegisterAsync("three", Record("orders", "a"), Ttl, Ct);
    }

    [Fact]
    public async Task MapServices_PastMaxServicesPerApp_RefusedWholeCall()
    {
        var store = await CreateAsync(o => o.Limits.MaxServicesPerApp = 3);
        await store.MapServicesAsync(Ns, "orders", ["s.A", "s.B"], Ct);
        var revision = await store.GetRevisionAsync(Ct);

        var ex = await Assert.ThrowsAsync<RegistryLimitExceededException>(() => store.MapServicesAsync(Ns, "orders", ["s.A", "s.C", "s.D"], Ct).AsTask());

        Assert.Equal(("MaxServicesPerApp", 3L), (ex.Limit, ex.Max));
        Assert.Equal(revision, await store.GetRevisionAsync(Ct));
        Assert.Empty((await store.LookupServiceAsync(Ns, "s.C", Ct)).Apps);

        // Existing pairs cost nothing; one more fits; another app has its own count.
        Assert.Equal(revision, await store.MapServicesAsync(Ns, "orders", ["s.A", "s.B"], Ct));
        await store.MapServicesAsync(Ns, "orders", ["s.A", "s.C"], Ct);
        await store.MapServicesAsync(Ns, "billing", ["s.A", "s.B", "s.C"], Ct);
    }

    [Fact]
    public async Task MapServices_PastMaxMappingsPerNamespace_Refused()
    {
        var store = await CreateAsync(o => o.Limits.MaxMappingsPerNamespace = 3);
        await store.MapServicesAsync(Ns, "orders", ["s.A", "s.B"], Ct);

        var ex = await Assert.ThrowsAsync<RegistryLimitExceededException>(() => store.MapServicesAsync(Ns, "billing", ["s.A", "s.B"], Ct).AsTask());

        Assert.Equal(("MaxMappingsPerNamespace", 3L), (ex.Limit, ex.Max));
        Assert.Equal(2, (await store.GetSnapshotAsync(Ns, null, includeMappings: true, Ct)).Mappings.Count);
        await store.MapServicesAsync(Ns, "billing", ["s.A"], Ct);
        await store.MapServicesAsync("other", "billing", ["s.A", "s.B"], Ct);
    }

    [Fact]
    public async Task UnmapIdleApps_NoInstanceForUnmapAfter_MappingDeleteEventsAndLookupEmpty()
    {
        var store = await CreateAsync();
        await store.MapServicesAsync(Ns, "orders", ["s.B", "s.A"], Ct);
        await store.MapServicesAsync(Ns, "billing", ["s.A"], Ct);
        var reg = await store.RegisterAsync(Ns, Record("billing", "b"), Ttl, Ct);
        var start = await store.GetRevisionAsync(Ct);

        Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, await store.UnmapIdleAppsAsync(TimeSpan.FromMinutes(2), 10, Ct));
        Time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(1, await store.UnmapIdleAppsAsync(TimeSpan.FromMinutes(2), 10, Ct));

        var events = (await store.ReadChangesAsync(start, 100, Ct)).Events;
        Assert.Equal([ChangeKind.MappingDelete, ChangeKind.MappingDelete], events.Select(e => e.Kind));
        Assert.Equal([new ServiceAppPair("s.A", "orders"), new ServiceAppPair("s.B", "orders")], events.Select(e => e.Mapping!));
        Assert.Equal(["billing"], (await store.LookupServiceAsync(Ns, "s.A", Ct)).Apps);
        Assert.Empty((await store.LookupServiceAsync(Ns, "s.B", Ct)).Apps);
        Assert.Equal([new ServiceAppPair("s.A", "billing")], (await store.GetSnapshotAsync(Ns, null, includeMappings: true, Ct)).Mappings);

        // Once only: nothing left to unmap, no further events.
        Assert.Equal(0, await store.UnmapIdleAppsAsync(TimeSpan.FromMinutes(2), 10, Ct));
        Assert.Equal(2, (await store.ReadChangesAsync(start, 100, Ct)).Events.Count);
        Assert.True((await store.RenewAsync(Ns, reg.LeaseId, Ct)).Found);
    }

    [Fact]
    public async Task UnmapIdleApps_ClockStartsAtLastInstanceAndStopsOnRegister()
    {
        var store = await CreateAsync();
        await store.RegisterAsync(Ns, Record("orders", "a"), Ttl, Ct);
        await store.MapServicesAsync(Ns, "orders", ["s.A"], Ct);
        Time.Advance(TimeSpan.FromMinutes(10));

        // An app with instances is never idle, however old its mappings are.
        Assert.Equal(0, await store.UnmapIdleAppsAsync(TimeSpan.FromMinutes(2), 10, Ct));
        await store.DeregisterAsync(Ns, "orders", "a", Ct);
        Time.Advance(TimeSpan.FromMinutes(1));

        // A restart within UnmapAfter: registering again stops the clock.
        await store.RegisterAsync(Ns, Record("orders", "a"), Ttl, Ct);
        Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, await store.UnmapIdleAppsAsync(TimeSpan.FromMinutes(2), 10, Ct));
        Assert.Equal(["orders"], (await store.LookupServiceAsync(Ns, "s.A", Ct)).Apps);

        await store.DeregisterAsync(Ns, "orders", "a", Ct);
        Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await store.UnmapIdleAppsAsync(TimeSpan.FromMinutes(2), 10, Ct));
        Assert.Empty((await store.LookupServiceAsync(Ns, "s.A", Ct)).Apps);

        // Unmapped counts free the namespace's mapping budget and the namespace itself.
        await store.MapServicesAsync(Ns, "orders", ["s.A"], Ct);
    }

    [Fact]
    public async Task UnmapIdleApps_MaxApps_BoundsOneCall()
    {
        var store = await CreateAsync();
        for (var i = 0; i < 20; i++)
        {
            await store.MapServicesAsync(Ns, $"app{i:00}", ["s.A", "s.B"], Ct);
        }

        Time.Advance(TimeSpan.FromMinutes(3));

        Assert.Equal(12, await store.UnmapIdleAppsAsync(TimeSpan.FromMinutes(2), 12, Ct));
        Assert.Equal(8, await store.UnmapIdleAppsAsync(TimeSpan.FromMinutes(2), 12, Ct));
        Assert.Empty((await store.GetSnapshotAsync(Ns, null, includeMappings: true, Ct)).Mappings);
    }

    [Fact]
    public async Task LeaseIds_ManyRegistrations_NotSequential()
    {
        var store = await CreateAsync();
        var ids = new List<long>();
        for (var i = 0; i < 200; i++)
        {
            ids.Add((await store.RegisterAsync(Ns, Record("orders", $"i{i}"), Ttl, Ct)).LeaseId);
        }

        // Random 62-bit ids: two of 200 within 1000 of each other is a ~2^-40 event; a counter always is.
        var sorted = ids.Order().ToArray();
        var closest = sorted.Zip(sorted.Skip(1), static (a, b) => b - a).Min();
        Assert.True(closest > 1000, $"two lease ids only {closest} apart: ids are guessable from one's own");
        Assert.All(ids, id => Assert.InRange(id, 1, (1L << 62) - 1));
    }

    [Fact]
    public async Task Renew_OwnLeaseIdPlusMinusUpTo1000_NotFoundAndRenewsNothing()
    {
        var store = await CreateAsync();
        var leases = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            leases.Add((await store.RegisterAsync(Ns, Record("orders", $"i{i}"), Ttl, Ct)).LeaseId);
        }

        Time.Advance(Ttl + TimeSpan.FromSeconds(1));
        var own = leases[10];
        var guesses = Enumerable.Range(1, 1000).SelectMany(d => new[] { own + d, own - d }).ToArray();
        var found = 0;
        foreach (var chunk in guesses.Chunk(100))
        {
            var answers = await Task.WhenAll(chunk.Select(id => store.RenewAsync(Ns, id, Ct).AsTask())).WaitAsync(TestTimeouts.Long);
            found += answers.Count(a => a.Found);
        }

        Assert.Equal(0, found);
        var scan = await store.ScanLeasesAsync(100, Ct);
        Assert.Equal((20, 20L), (scan.Lapsed.Count, scan.TotalLapsed));
        Assert.True((await store.RenewAsync(Ns, own, Ct)).Found);
    }

    [Fact]
    public async Task Register_InstanceOwnedByAnother_RefusedAndNothingChanges()
    {
        var store = await CreateAsync();
        var owner = await store.RegisterAsync(Ns, Record("orders", "a"), Ttl, new LeaseOwnership("alice"), Ct);
        var revision = await store.GetRevisionAsync(Ct);

        await Assert.ThrowsAsync<RegistryOwnershipException>(() => store.RegisterAsync(Ns, Record("orders", "a") with { Host = "10.6.6.6" }, Ttl, new LeaseOwnership("mallory"), Ct).AsTask());

        Assert.Equal(revision, await store.GetRevisionAsync(Ct));
        Assert.Equal("10.0.0.1", Assert.Single((await store.ListInstancesAsync(Ns, "orders", Ct)).Instances).Host);
        Assert.True((await store.RenewAsync(Ns, owner.LeaseId, new LeaseOwnership("alice"), Ct)).Found);
        var again = await store.RegisterAsync(Ns, Record("orders", "a") with { Port = 6000 }, Ttl, new LeaseOwnership("alice"), Ct);
        Assert.NotEqual(owner.LeaseId, again.LeaseId);
    }

    [Fact]
    public async Task Renew_LeaseOwnedByAnother_NotFoundLikeUnknownAndOwnerStillRenews()
    {
        var store = await CreateAsync();
        var owner = await store.RegisterAsync(Ns, Record("orders", "a"), Ttl, new LeaseOwnership("alice"), Ct);

        var stranger = await store.RenewAsync(Ns, owner.LeaseId, new LeaseOwnership("mallory"), Ct);
        var unknown = await store.RenewAsync(Ns, owner.LeaseId + 1, new LeaseOwnership("mallory"), Ct);

        Assert.Equal(unknown, stranger);
        Assert.False(stranger.Found);
        Assert.True((await store.RenewAsync(Ns, owner.LeaseId, new LeaseOwnership("alice"), Ct)).Found);
        Assert.True((await store.RenewAsync(Ns, owner.LeaseId, new LeaseOwnership("root", IsAdmin: true), Ct)).Found);
    }

    [Fact]
    public async Task UpdateAndDeregister_InstanceOwnedByAnother_RefusedUnlessAdmin()
    {
        var store = await CreateAsync();
        await store.RegisterAsync(Ns, Record("orders", "a"), Ttl, new LeaseOwnership("alice"), Ct);
        var revision = await store.GetRevisionAsync(Ct);

        await Assert.ThrowsAsync<RegistryOwnershipException>(() => store.UpdateInstanceAsync(Ns, "orders", "a", Instances.RevisionB, null, new LeaseOwnership("mallory"), Ct).AsTask());
        await Assert.ThrowsAsync<RegistryOwnershipException>(() => store.DeregisterAsync(Ns, "orders", "a", new LeaseOwnership("mallory"), Ct).AsTask());

        Assert.Equal(revision, await store.GetRevisionAsync(Ct));
        Assert.Equal(Instances.RevisionA, Assert.Single((await store.ListInstancesAsync(Ns, "orders", Ct)).Instances).Revision);
        Assert.NotNull(await store.UpdateInstanceAsync(Ns, "orders", "a", Instances.RevisionB, null, new LeaseOwnership("alice"), Ct));
        Assert.NotNull(await store.DeregisterAsync(Ns, "orders", "a", new LeaseOwnership("root", IsAdmin: true), Ct));
        Assert.Empty((await store.ListInstancesAsync(Ns, "orders", Ct)).Instances);
    }

    [Fact]
    public async Task Register_AdminTakesOverAnothersInstance_OldLeaseRevokedAdminOwnsIt()
    {
        var store = await CreateAsync();
        var alice = await store.RegisterAsync(Ns, Record("orders", "a"), Ttl, new LeaseOwnership("alice"), Ct);

        var admin = await store.RegisterAsync(Ns, Record("orders", "a"), Ttl, new LeaseOwnership("root", IsAdmin: true), Ct);

        Assert.False((await store.RenewAsync(Ns, alice.LeaseId, new LeaseOwnership("alice"), Ct)).Found);
        Assert.False((await store.RenewAsync(Ns, admin.LeaseId, new LeaseOwnership("alice"), Ct)).Found);
        Assert.True((await store.RenewAsync(Ns, admin.LeaseId, new LeaseOwnership("root"), Ct)).Found);
    }

    [Fact]
    public async Task Register_PastMaxInstancesPerPrincipal_LimitNamedAndFreedByDeregister()
    {
        var store = await CreateAsync(o => o.Limits.MaxInstancesPerPrincipal = 2);
        var alice = new LeaseOwnership("alice");
        await store.RegisterAsync(Ns, Record("orders", "a"), Ttl, alice, Ct);
        await store.RegisterAsync(Ns, Record("orders", "b"), Ttl, alice, Ct);

        var refused = await Assert.ThrowsAsync<RegistryLimitExceededException>(() => store.RegisterAsync(Ns, Record("orders", "c"), Ttl, alice, Ct).AsTask());

        Assert.Equal(nameof(RegistryLimitsOptions.MaxInstancesPerPrincipal), refused.Limit);
        Assert.Contains("Limits:MaxInstancesPerPrincipal", refused.Message, StringComparison.Ordinal);
        await store.RegisterAsync(Ns, Record("orders", "a"), Ttl, alice, Ct);
        await store.RegisterAsync(Ns, Record("orders", "c"), Ttl, new LeaseOwnership("bob"), Ct);
        Assert.NotNull(await store.DeregisterAsync(Ns, "orders", "b", alice, Ct));
        await store.RegisterAsync(Ns, Record("orders", "d"), Ttl, alice, Ct);
        Assert.Equal(["a", "c", "d"], (await store.ListInstancesAsync(Ns, "orders", Ct)).Instances.Select(i => i.InstanceId));
    }

    [Fact]
    public async Task Register_PastMaxNamespacesPerPrincipal_LimitNamed()
    {
        var store = await CreateAsync(o => o.Limits.MaxNamespacesPerPrincipal = 1);
        var alice = new LeaseOwnership("alice");
        await store.RegisterAsync("one", Record("orders", "a"), Ttl, alice, Ct);
        await store.RegisterAsync("one", Record("orders", "b"), Ttl, alice, Ct);

        var refused = await Assert.ThrowsAsync<RegistryLimitExceededException>(() => store.RegisterAsync("two", Record("orders", "a"), Ttl, alice, Ct).AsTask());

        Assert.Equal(nameof(RegistryLimitsOptions.MaxNamespacesPerPrincipal), refused.Limit);
        Assert.Empty((await store.ListInstancesAsync("two", "orders", Ct)).Instances);
        await store.DeregisterAsync("one", "orders", "a", alice, Ct);
        await store.DeregisterAsync("one", "orders", "b", alice, Ct);
        await store.RegisterAsync("two", Record("orders", "a"), Ttl, alice, Ct);
    }

    [Fact]
    public async Task RenewBatch_FoundUnknownOtherOwnerOtherNamespace_EachAnsweredAsItsOwnRenew()
    {
        var store = await CreateAsync();
        var alice = new LeaseOwnership("alice");
        var mallory = new LeaseOwnership("mallory");
        var owned = (await store.RegisterAsync(Ns, Record("orders", "owned"), Ttl, alice, Ct)).LeaseId;
        var strangers = (await store.RegisterAsync(Ns, Record("orders", "strangers"), Ttl, alice, Ct)).LeaseId;
        var anonymous = (await store.RegisterAsync(Ns, Record("orders", "anonymous"), Ttl, Ct)).LeaseId;
        var elsewhere = (await store.RegisterAsync(Ns, Record("orders", "elsewhere"), Ttl, Ct)).LeaseId;
        Time.Advance(TimeSpan.FromSeconds(8));

        var results = await store.RenewBatchAsync(
            [
                new LeaseRenewal(Ns, owned, alice),
                new LeaseRenewal(Ns, owned + 1, LeaseOwnership.Anonymous),
                new LeaseRenewal(Ns, strangers, mallory),
                new LeaseRenewal("other", elsewhere, LeaseOwnership.Anonymous),
                new LeaseRenewal(Ns, anonymous, LeaseOwnership.Anonymous),
                new LeaseRenewal(Ns, strangers, new LeaseOwnership("root", IsAdmin: true)),
                new LeaseRenewal(Ns, anonymous, mallory),
            ],
            Ct);

        Assert.Equal(
            [new RenewResult(true, Ttl), RenewResult.NotFound, RenewResult.NotFound, RenewResult.NotFound, new RenewResult(true, Ttl), new RenewResult(true, Ttl), new RenewResult(true, Ttl)],
            results);

        // Only the found ones were renewed: the lease renewed from the wrong namespace lapses on time.
        Time.Advance(TimeSpan.FromSeconds(8));
        var lapsed = Assert.Single((await store.ScanLeasesAsync(10, Ct)).Lapsed);
        Assert.Equal(elsewhere, lapsed.LeaseId);
    }

    [Fact]
    public async Task RenewBatch_StrangerOnly_LeaseNotRenewed()
    {
        var store = await CreateAsync();
        var lease = (await store.RegisterAsync(Ns, Record("orders", "a"), Ttl, new LeaseOwnership("alice"), Ct)).LeaseId;
        Time.Advance(TimeSpan.FromSeconds(8));

        var results = await store.RenewBatchAsync([new LeaseRenewal(Ns, lease, new LeaseOwnership("mallory")), new LeaseRenewal(Ns, lease, new LeaseOwnership("bob"))], Ct);

        Assert.Equal([RenewResult.NotFound, RenewResult.NotFound], results);
        Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(lease, Assert.Single((await store.ScanLeasesAsync(10, Ct)).Lapsed).LeaseId);
    }

    [Fact]
    public async Task RenewBatch_Empty_EmptyAnswer()
    {
        var store = await CreateAsync();

        Assert.Empty(await store.RenewBatchAsync([], Ct));
    }

    [Fact]
    public async Task RenewBatch_LargerThanOneScript_EveryAnswerInOrder()
    {
        var store = await CreateAsync();
        var leases = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            leases.Add((await store.RegisterAsync(Ns, Record("orders", $"i{i:00}"), Ttl, Ct)).LeaseId);
        }

        // 600 renewals (more than one RenewMany script of the Redis store): known leases at every 30th place.
        var renewals = Enumerable.Range(0, 600).Select(i => new LeaseRenewal(Ns, i % 30 == 0 ? leases[i / 30] : 1_000_000_000L + i, LeaseOwnership.Anonymous)).ToArray();

        var results = await store.RenewBatchAsync(renewals, Ct);

        Assert.Equal(600, results.Count);
        Assert.All(Enumerable.Range(0, 600), i => Assert.Equal(i % 30 == 0, results[i].Found));
    }

    [Fact]
    public async Task Register_ConcurrentCalls_EachGetsItsOwnResultAndOnlyItsOwnRefusal()
    {
        var store = await CreateAsync(o => o.Limits.MaxInstancesPerPrincipal = 1);
        await store.RegisterAsync(Ns, Record("orders", "alices"), Ttl, new LeaseOwnership("alice"), Ct);

        var anonymous = Enumerable.Range(0, 150).Select(i => store.RegisterAsync(Ns, Record("orders", $"i{i:000}"), Ttl, Ct).AsTask()).ToArray();
        var takeover = Started(() => store.RegisterAsync(Ns, Record("orders", "alices"), Ttl, new LeaseOwnership("mallory"), Ct));
        var pastCap = Started(() => store.RegisterAsync(Ns, Record("orders", "alices-second"), Ttl, new LeaseOwnership("alice"), Ct));
        var more = Enumerable.Range(150, 150).Select(i => store.RegisterAsync(Ns, Record("orders", $"i{i:000}"), Ttl, Ct).AsTask()).ToArray();

        var registered = await Task.WhenAll(anonymous.Concat(more));
        await Assert.ThrowsAsync<RegistryOwnershipException>(() => takeover);
        var refused = await Assert.ThrowsAsync<RegistryLimitExceededException>(() => pastCap);

        Assert.Equal(nameof(RegistryLimitsOptions.MaxInstancesPerPrincipal), refused.Limit);
        Assert.Equal(300, registered.Select(r => r.LeaseId).Distinct().Count());
        Assert.Equal(300, registered.Select(r => r.Revision).Distinct().Count());
        var listed = (await store.ListInstancesAsync(Ns, "orders", Ct)).Instances;
        Assert.Equal(301, listed.Count);
        Assert.Equal("10.0.0.1", listed.Single(i => i.InstanceId == "alices").Host);
        var renewed = await store.RenewBatchAsync(registered.Select(r => new LeaseRenewal(Ns, r.LeaseId, LeaseOwnership.Anonymous)).ToArray(), Ct);
        Assert.All(renewed, r => Assert.True(r.Found));
    }

    /// <summary>The call as a task, also when the store refuses synchronously (the memory store does).</summary>
    private static Task<T> Started<T>(Func<ValueTask<T>> call)
    {
        try
        {
            return call().AsTask();
        }
        catch (Exception ex)
        {
            return Task.FromException<T>(ex);
        }
    }

    private static InstanceRecord Record(string app, string id) =>
        new(app, id, "10.0.0.1", 5000, Instances.RevisionA, new Dictionary<string, string> { ["zone"] = "a" });

    private async Task<IRegistryStore> CreateAsync(Action<RegistryOptions>? configure = null)
    {
        var options = new RegistryOptions();
        configure?.Invoke(options);
        return new TimeoutStore(await _fixture.CreateStoreAsync(options, Time).AsTask().WaitAsync(TestTimeouts.Long));
    }
}
