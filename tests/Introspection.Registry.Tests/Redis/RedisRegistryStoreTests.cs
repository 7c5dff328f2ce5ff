using Introspection.Registry.Stores;
using Introspection.Registry.Stores.Redis;
using Introspection.Registry.Tests.Infrastructure;
using StackExchange.Redis;

namespace Introspection.Registry.Tests.Redis;

/// <summary>What only a shared store has to get right: several nodes, Redis's clock, outages, flushes, Cluster slots.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisRegistryStoreTests(RedisServerFixture fixture)
{
    private const string Ns = "default";

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task WaitForChanges_WriteOnOtherNode_WokenByPubSubBeforePoll()
    {
        var prefix = RedisStores.NewPrefix();
        await using var writer = RedisStores.Create(fixture.Server.Configuration, prefix);
        await using var reader = RedisStores.Create(fixture.Server.Configuration, prefix, configure: static o => o.PollInterval = TimeSpan.FromMinutes(5));
        var start = await reader.GetRevisionAsync(Ct).AsTask().WaitAsync(TestTimeouts.Long);
        using var cts = new CancellationTokenSource(TestTimeouts.Long);

        var wait = reader.WaitForChangesAsync(start, cts.Token).AsTask();
        await Task.Delay(200);
        var registered = await writer.RegisterAsync(Ns, Record("orders", "a"), TimeSpan.FromSeconds(10), Ct).AsTask().WaitAsync(TestTimeouts.Long);

        // The poll is 5 min away: only the pub/sub notification can end the wait this soon.
        await wait.WaitAsync(TestTimeouts.Long);
        var batch = await reader.ReadChangesAsync(start, 10, Ct).AsTask().WaitAsync(TestTimeouts.Long);
        Assert.Equal(registered.Revision, Assert.Single(batch.Events).Revision);
    }

    [Fact]
    public async Task Evict_SweepersOnSeveralNodes_EachLapsedLeaseEvictedOnceWithOneDelete()
    {
        var prefix = RedisStores.NewPrefix();
        var stores = Enumerable.Range(0, 4).Select(_ => RedisStores.Create(fixture.Server.Configuration, prefix)).ToArray();
        try
        {
            for (var i = 0; i < 40; i++)
            {
                await stores[i % 4].RegisterAsync(Ns, Record("orders", $"i{i:00}"), TimeSpan.FromMilliseconds(300), Ct).AsTask().WaitAsync(TestTimeouts.Long);
            }

            var registered = await stores[0].GetRevisionAsync(Ct).AsTask().WaitAsync(TestTimeouts.Long);
            await Poll.UntilAsync(async () => (await stores[0].ScanLeasesAsync(0, Ct)).TotalLapsed == 40, because: "every lease lapses on Redis's clock");

            // Every node scans the same lapsed leases and races to evict them (Redis's clock decides).
            var evicted = await Task.WhenAll(stores.Select(store => Task.Run(async () =>
            {
                var scan = await store.ScanLeasesAsync(1000, Ct);
                var won = 0;
                foreach (var lease in scan.Lapsed)
                {
                    won += await store.EvictAsync(lease, Ct) is null ? 0 : 1;
                }

                return won;
            }))).WaitAsync(TestTimeouts.Long);

            Assert.Equal(40, evicted.Sum());
            var deletes = (await stores[1].ReadChangesAsync(registered, 1000, Ct).AsTask().WaitAsync(TestTimeouts.Long)).Events;
            Assert.Equal(40, deletes.Count);
            Assert.All(deletes, e => Assert.Equal(ChangeKind.Delete, e.Kind));
            Assert.Equal(40, deletes.Select(e => e.Instance!.InstanceId).Distinct().Count());
            Assert.Equal(0, (await stores[2].ScanLeasesAsync(10, Ct).AsTask().WaitAsync(TestTimeouts.Long)).TotalLeases);
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task UnmapIdleApps_SweepersOnSeveralNodes_EachPairDeletedOnce()
    {
        var prefix = RedisStores.NewPrefix();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var stores = Enumerable.Range(0, 4).Select(_ => RedisStores.Create(fixture.Server.Configuration, prefix, time: time, configure: static o => o.UseTimeProviderClock = true)).ToArray();
        try
        {
            for (var i = 0; i < 30; i++)
            {
                await stores[i % 4].MapServicesAsync(Ns, $"app{i:00}", ["s.A", "s.B", "s.C"], Ct).AsTask().WaitAsync(TestTimeouts.Long);
            }

            var mapped = await stores[0].GetRevisionAsync(Ct).AsTask().WaitAsync(TestTimeouts.Long);
            time.Advance(TimeSpan.FromMinutes(10));

            // Every node's sweeper finds the same idle apps and races to unmap them.
            var unmapped = await Task.WhenAll(stores.Select(store => Task.Run(async () =>
            {
                var total = 0;
                int done;
                while ((done = await store.UnmapIdleAppsAsync(TimeSpan.FromMinutes(5), 5, Ct)) > 0)
                {
                    total += done;
                }

                return total;
            }))).WaitAsync(TestTimeouts.Long);

            Assert.Equal(30, unmapped.Sum());
            var events = (await stores[1].ReadChangesAsync(mapped, 1000, Ct).AsTask().WaitAsync(TestTimeouts.Long)).Events;
            Assert.Equal(90, events.Count);
            Assert.All(events, e => Assert.Equal(ChangeKind.MappingDelete, e.Kind));
            Assert.Equal(90, events.Select(e => e.Mapping).Distinct().Count());
            Assert.Empty((await stores[2].GetSnapshotAsync(Ns, null, includeMappings: true, Ct).AsTask().WaitAsync(TestTimeouts.Long)).Mappings);
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Register_NodesRacePastMaxInstancesPerNamespace_CapHolds()
    {
        var prefix = RedisStores.NewPrefix();
        var options = new RegistryOptions();
        options.Limits.MaxInstancesPerNamespace = 25;
        var stores = Enumerable.Range(0, 4).Select(_ => RedisStores.Create(fixture.Server.Configuration, prefix, options)).ToArray();
        try
        {
            var results = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => Task.Run(async () =>
            {
                try
                {
                    await stores[i % 4].RegisterAsync(Ns, Record("orders", $"i{i:00}"), TimeSpan.FromSeconds(30), Ct);
                    return true;
                }
                catch (RegistryLimitExceededException)
                {
                    return false;
                }
            }))).WaitAsync(TestTimeouts.Long);

            Assert.Equal(25, results.Count(static r => r));
            Assert.Equal(25, (await stores[0].ListInstancesAsync(Ns, "orders", Ct).AsTask().WaitAsync(TestTimeouts.Long)).Instances.Count);
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Revision_RedisFlushed_RestartsAboveOldRevisionsAndHistoryLost()
    {
        await using var server = await RedisServer.StartAsync();
        await using var store = RedisStores.Create(server.Configuration, RedisStores.NewPrefix());
        var before = await store.RegisterAsync(Ns, Record("orders", "a"), TimeSpan.FromSeconds(30), Ct).AsTask().WaitAsync(TestTimeouts.Long);

        await FlushAsync(server);

        var current = await store.GetRevisionAsync(Ct).AsTask().WaitAsync(TestTimeouts.Long);
        Assert.True(current > before.Revision, $"{current} must be above {before.Revision}");
        var batch = await store.ReadChangesAsync(before.Revision, 10, Ct).AsTask().WaitAsync(TestTimeouts.Long);
        Assert.True(batch.HistoryLost);
        Assert.False((await store.RenewAsync(Ns, before.LeaseId, Ct).AsTask().WaitAsync(TestTimeouts.Long)).Found);
        var again = await store.RegisterAsync(Ns, Record("orders", "a"), TimeSpan.FromSeconds(30), Ct).AsTask().WaitAsync(TestTimeouts.Long);
        Assert.NotEqual(before.LeaseId, again.LeaseId); // a lease id is never granted twice, not even by a flushed Redis (random ids, not a counter)
    }

    [Fact]
    public async Task Keys_ManyNamespacesAppsAndServices_AllInOneHashSlot()
    {
        var prefix = RedisStores.NewPrefix();
        await using var store = RedisStores.Create(fixture.Server.Configuration, prefix);
        foreach (var ns in new[] { "default", "staging" })
        {
            foreach (var app in new[] { "orders", "billing:v2", "a.b-c_d" })
            {
                await store.RegisterAsync(ns, Record(app, "x:1"), TimeSpan.FromSeconds(30), Ct).AsTask().WaitAsync(TestTimeouts.Long);
                await store.MapServicesAsync(ns, app, ["shop.Orders", "shop.Billing"], Ct).AsTask().WaitAsync(TestTimeouts.Long);
            }
        }

        await using var connection = await ConnectionMultiplexer.ConnectAsync(fixture.Server.Configuration).WaitAsync(TestTimeouts.Long);
        var server = connection.GetServer(connection.GetEndPoints().Single());
        var keys = new List<RedisKey>();
        await foreach (var key in server.KeysAsync(pattern: "{" + prefix + "}:*"))
        {
            keys.Add(key);
        }

        Assert.True(keys.Count >= 10, $"only {keys.Count} keys");
        Assert.Single(keys.Select(k => connection.HashSlot(k)).Distinct());
        Assert.Equal(connection.HashSlot("{" + prefix + "}:rev"), connection.HashSlot(keys[0]));
    }

    [Fact]
    public async Task AnyCall_RedisDown_UnavailableThenRecoversByItself()
    {
        await using var server = await RedisServer.StartAsync();
        await using var store = RedisStores.Create(server.Configuration, RedisStores.NewPrefix());
        await store.RegisterAsync(Ns, Record("orders", "a"), TimeSpan.FromSeconds(30), Ct).AsTask().WaitAsync(TestTimeouts.Long);

        await server.KillAsync();

        await Poll.UntilAsync(async () =>
        {
            try
            {
                await store.ListAppsAsync(Ns, Ct);
                return false;
            }
            catch (RegistryStoreUnavailableException)
            {
                return true;
            }
        }, because: "a call while Redis is down answers unavailable");
        await Assert.ThrowsAsync<RegistryStoreUnavailableException>(async () => await store.RegisterAsync(Ns, Record("orders", "b"), TimeSpan.FromSeconds(30), Ct).AsTask().WaitAsync(TestTimeouts.Long));
        // Waiting beyond any revision this node was notified of must ask Redis (and fail); waiting for
        // revision 0 may complete from the pub/sub notification of the register above, as allowed.
        await Assert.ThrowsAsync<RegistryStoreUnavailableException>(async () => await store.WaitForChangesAsync(long.MaxValue - 1, Ct).AsTask().WaitAsync(TestTimeouts.Long));

        await server.StartAgainAsync();

        await Poll.UntilAsync(async () =>
        {
            try
            {
                await store.RegisterAsync(Ns, Record("orders", "b"), TimeSpan.FromSeconds(30), Ct);
                return true;
            }
            catch (RegistryStoreUnavailableException)
            {
                return false;
            }
        }, because: "the store reconnects by itself");
    }

    [Fact]
    public async Task Leases_RedisDownLongerThanTtl_NoLeaseLapsesBecauseOfTheOutage()
    {
        await using var server = await RedisServer.StartAsync(durable: true);
        await using var store = RedisStores.Create(server.Configuration, RedisStores.NewPrefix());
        var ttl = TimeSpan.FromSeconds(2);
        var lease = await store.RegisterAsync(Ns, Record("orders", "a"), ttl, Ct).AsTask().WaitAsync(TestTimeouts.Long);
        await Task.Delay(300);

        await server.KillAsync();
        await Task.Delay(ttl + TimeSpan.FromSeconds(1));
        await server.StartAgainAsync();

        await Poll.UntilAsync(async () =>
        {
            try
            {
                return (await store.ScanLeasesAsync(10, Ct)).TotalLeases == 1;
            }
            catch (RegistryStoreUnavailableException)
            {
                return false;
            }
        }, because: "Redis comes back with its data");
        var scan = await store.ScanLeasesAsync(10, Ct).AsTask().WaitAsync(TestTimeouts.Long);
        Assert.Equal(0, scan.TotalLapsed);
        Assert.True((await store.RenewAsync(Ns, lease.LeaseId, Ct).AsTask().WaitAsync(TestTimeouts.Long)).Found);

        // The extension is the outage, not forever: without renewals the lease lapses one TTL later.
        await Poll.UntilAsync(async () => (await store.ScanLeasesAsync(10, Ct)).TotalLapsed == 1, TimeSpan.FromSeconds(15), "an unrenewed lease still lapses");
    }

    [Fact]
    public async Task EveryOperation_OnRedisCluster_ScriptsStayInOneSlot()
    {
        // A one-node Redis Cluster owning every slot: the store runs in cluster mode (slot routing of
        // the scripts, pub/sub). Redis 7.0 does not refuse a cross-slot key inside a script when one
        // node owns both slots, so that the keys share one slot is proven by
        // Keys_ManyNamespacesAppsAndServices_AllInOneHashSlot, not here.
        await using var server = await RedisServer.StartAsync(false, "--cluster-enabled", "yes");
        Assert.StartsWith("+OK", await server.CommandAsync("CLUSTER ADDSLOTSRANGE 0 16383"), StringComparison.Ordinal);
        await Poll.UntilAsync(async () => (await server.CommandAsync("CLUSTER INFO")).Contains("cluster_state:ok", StringComparison.Ordinal), because: "the cluster is up");
        await using var store = RedisStores.Create(server.Configuration, RedisStores.NewPrefix());

        var start = await store.GetRevisionAsync(Ct).AsTask().WaitAsync(TestTimeouts.Long);
        var lease = await store.RegisterAsync(Ns, Record("orders", "a"), TimeSpan.FromMilliseconds(200), Ct).AsTask().WaitAsync(TestTimeouts.Long);
        await store.RegisterAsync("staging", Record("billing", "b"), TimeSpan.FromSeconds(30), Ct).AsTask().WaitAsync(TestTimeouts.Long);
        await store.UpdateInstanceAsync("staging", "billing", "b", Instances.RevisionB, null, Ct).AsTask().WaitAsync(TestTimeouts.Long);
        await store.MapServicesAsync(Ns, "orders", ["shop.Orders", "shop.Carts"], Ct).AsTask().WaitAsync(TestTimeouts.Long);
        Assert.True((await store.RenewAsync(Ns, lease.LeaseId, Ct).AsTask().WaitAsync(TestTimeouts.Long)).Found);
        var snapshot = await store.GetSnapshotAsync(Ns, null, includeMappings: true, Ct).AsTask().WaitAsync(TestTimeouts.Long);
        Assert.Single(snapshot.Instances);
        Assert.Equal(2, snapshot.Mappings.Count);
        Assert.Single((await store.ListAppsAsync("staging", Ct).AsTask().WaitAsync(TestTimeouts.Long)).Apps);
        Assert.Equal(["orders"], (await store.LookupServiceAsync(Ns, "shop.Carts", Ct).AsTask().WaitAsync(TestTimeouts.Long)).Apps);
        await Poll.UntilAsync(async () => (await store.ScanLeasesAsync(10, Ct)).Lapsed.Count == 1, because: "the short lease lapses");
        var lapsed = Assert.Single((await store.ScanLeasesAsync(10, Ct).AsTask().WaitAsync(TestTimeouts.Long)).Lapsed);
        Assert.NotNull(await store.EvictAsync(lapsed, Ct).AsTask().WaitAsync(TestTimeouts.Long));
        Assert.NotNull(await store.DeregisterAsync("staging", "billing", "b", Ct).AsTask().WaitAsync(TestTimeouts.Long));

        var changes = await store.ReadChangesAsync(start, 100, Ct).AsTask().WaitAsync(TestTimeouts.Long);
        Assert.Equal(
            [ChangeKind.Put, ChangeKind.Put, ChangeKind.Put, ChangeKind.MappingPut, ChangeKind.MappingPut, ChangeKind.Delete, ChangeKind.Delete],
            changes.Events.Select(e => e.Kind));

        // The unmapping script too ("orders" lost its only instance above).
        Assert.Equal(1, await store.UnmapIdleAppsAsync(TimeSpan.Zero, 10, Ct).AsTask().WaitAsync(TestTimeouts.Long));
        var unmapped = await store.ReadChangesAsync(changes.CurrentRevision, 100, Ct).AsTask().WaitAsync(TestTimeouts.Long);
        Assert.Equal([ChangeKind.MappingDelete, ChangeKind.MappingDelete], unmapped.Events.Select(e => e.Kind));
    }

    private static InstanceRecord Record(string app, string id) =>
        new(app, id, "10.0.0.1", 5000, Instances.RevisionA, new Dictionary<string, string> { ["zone"] = "a" });

    private static async Task FlushAsync(RedisServer server)
    {
        await using var admin = await ConnectionMultiplexer.ConnectAsync(server.Configuration + ",allowAdmin=true").WaitAsync(TestTimeouts.Long);
        await admin.GetServer(admin.GetEndPoints().Single()).FlushAllDatabasesAsync().WaitAsync(TestTimeouts.Long);
    }
}
