using Grpc.Core;
using Introspection.Client.Internal;
using Introspection.Client.Tests.Infrastructure;
using Introspection.Protocol.Registry.V1;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Introspection.Client.Tests.Watch;

/// <summary>
/// The Watch against real registries: registry-min nodes (Kestrel on loopback) sharing a real redis-server, or
/// an in-memory registry with raised limits. Only the metadata fetch is replaced by an in-process fake.
/// </summary>
public sealed class RegistryWatchTests
{
    private const string Opens = "introspection.client.watch.streams";
    private const string Messages = "introspection.client.watch.messages";

    private static readonly Protocol.Metadata.V1.MetadataInfo s_orders = TestMetadata.Create("orders", ("shop.Orders", "", ""));

    private readonly FakeMetadataFetcher _fetcher = new();

    public RegistryWatchTests() => _fetcher.Add(s_orders);

    [Fact]
    public async Task Watch_NodeOfSameRegistryStops_ResumesOnOtherNodeWithoutSnapshotOrLostEvent()
    {
        await using var redis = await RedisServer.StartAsync();
        var prefix = "it-" + Guid.NewGuid().ToString("N");
        await using var nodeA = await RegistryHost.StartOnRedisAsync(redis, prefix);
        await using var nodeB = await RegistryHost.StartOnRedisAsync(redis, prefix);
        await nodeA.RegisterAsync("orders", "o1", "10.0.0.1", 5001, s_orders.Revision, ["shop.Orders"]);

        await using var client = TestClients.Create([$"{nodeA.Url},{nodeB.Url}"], _fetcher);
        using var messages = new MetricCollector<long>(client.Metrics.Meter, Messages);
        using var opens = new MetricCollector<long>(client.Metrics.Meter, Opens);
        var latest = (ServiceResolution?)null;
        using var subscription = client.Subscribe(new ServiceTarget("shop.Orders"), r => Volatile.Write(ref latest, r));
        await Poll.UntilAsync(() => Volatile.Read(ref latest)?.Endpoints.Count == 1, "resolved through node A");
        Assert.Equal(1, messages.Total("introspection.watch.kind", "snapshot"));

        await nodeA.StopAsync();
        await nodeB.RegisterAsync("orders", "o2", "10.0.0.2", 5001, s_orders.Revision, ["shop.Orders"]);
        await nodeB.RegisterAsync("orders", "o3", "10.0.0.3", 5001, s_orders.Revision, ["shop.Orders"]);
        await nodeB.DeregisterAsync("orders", "o1");

        await Poll.UntilAsync(
            () => Volatile.Read(ref latest)?.Endpoints.Select(e => e.InstanceId).Order(StringComparer.Ordinal).SequenceEqual(["o2", "o3"]) == true,
            "node B's changes arrive");
        Assert.True(opens.Total("introspection.watch.mode", "resume") >= 1, "the Watch resumed on node B");
        Assert.Equal(1, opens.Total("introspection.watch.mode", "snapshot"));
        Assert.Equal(1, messages.Total("introspection.watch.kind", "snapshot"));
    }

    [Fact]
    public async Task Watch_UnrelatedNodesListedInOneEntry_ResetSnapshotReplacesView()
    {
        // Two independent registries (different key prefixes) wrongly listed as nodes of one entry: node B does
        // not know node A's revision and answers the resume with a reset snapshot.
        await using var redis = await RedisServer.StartAsync();
        await using var nodeA = await RegistryHost.StartOnRedisAsync(redis, "a-" + Guid.NewGuid().ToString("N"));
        await using var nodeB = await RegistryHost.StartOnRedisAsync(redis, "b-" + Guid.NewGuid().ToString("N"));
        for (var i = 1; i <= 5; i++)
        {
            await nodeA.RegisterAsync("orders", $"a{i}", $"10.0.1.{i}", 5001, s_orders.Revision, ["shop.Orders"]);
        }

        await nodeB.RegisterAsync("orders", "b1", "10.0.2.1", 5001, s_orders.Revision, ["shop.Orders"]);

        await using var client = TestClients.Create([$"{nodeA.Url},{nodeB.Url}"], _fetcher);
        using var opens = new MetricCollector<long>(client.Metrics.Meter, Opens);
        using var messages = new MetricCollector<long>(client.Metrics.Meter, Messages);
        var latest = (ServiceResolution?)null;
        using var subscription = client.Subscribe(new ServiceTarget("shop.Orders"), r => Volatile.Write(ref latest, r));
        await Poll.UntilAsync(() => Volatile.Read(ref latest)?.Endpoints.Count == 5, "resolved through node A");

        await nodeA.StopAsync();

        await Poll.UntilAsync(
            () => Volatile.Read(ref latest)?.Endpoints.Select(e => e.InstanceId).SequenceEqual(["b1"]) == true,
            "node B's reset snapshot replaces the view");
        Assert.Equal(0, opens.Total("introspection.watch.mode", "resume"));
        Assert.Equal(2, opens.Total("introspection.watch.mode", "snapshot"));
        Assert.Equal(2, messages.Total("introspection.watch.kind", "snapshot"));
    }

    [Fact]
    public async Task Watch_ResetSnapshotWithoutTheApp_EmptyProtectionKeepsLastList()
    {
        // Node B is unrelated (another key prefix) and knows the service but has no instance of its app: the
        // reset snapshot empties the app, and empty protection keeps routing to the last non-empty list.
        await using var redis = await RedisServer.StartAsync();
        await using var nodeA = await RegistryHost.StartOnRedisAsync(redis, "a-" + Guid.NewGuid().ToString("N"));
        await using var nodeB = await RegistryHost.StartOnRedisAsync(redis, "b-" + Guid.NewGuid().ToString("N"));
        for (var i = 1; i <= 5; i++)
        {
            await nodeA.RegisterAsync("orders", $"a{i}", $"10.0.1.{i}", 5001, s_orders.Revision, ["shop.Orders"]);
        }

        await nodeB.RegisterAsync("orders", "b1", "10.0.2.1", 5001, s_orders.Revision, ["shop.Orders"]);
        await nodeB.DeregisterAsync("orders", "b1");

        await using var client = TestClients.Create([$"{nodeA.Url},{nodeB.Url}"], _fetcher);
        using var messages = new MetricCollector<long>(client.Metrics.Meter, Messages);
        using var opens = new MetricCollector<long>(client.Metrics.Meter, Opens);
        var latest = (ServiceResolution?)null;
        using var subscription = client.Subscribe(new ServiceTarget("shop.Orders"), r => Volatile.Write(ref latest, r));
        await Poll.UntilAsync(() => Volatile.Read(ref latest)?.Endpoints.Count == 5, "resolved through node A");

        await nodeA.StopAsync();
        await Poll.UntilAsync(() => messages.Total("introspection.watch.kind", "snapshot") == 2, "node B's reset snapshot is applied");

        Assert.Equal(0, opens.Total("introspection.watch.mode", "resume"));
        var endpoints = await client.ResolveAsync("shop.Orders").AsTask().WaitAsync(TestTimeouts.Call);
        Assert.Equal(5, endpoints.Count);
    }

    [Fact]
    public async Task Watch_IndependentRegistryEntries_FailoverStartsFromSnapshot()
    {
        await using var redis = await RedisServer.StartAsync();
        var prefix = "it-" + Guid.NewGuid().ToString("N");
        await using var nodeA = await RegistryHost.StartOnRedisAsync(redis, prefix);
        await using var nodeB = await RegistryHost.StartOnRedisAsync(redis, prefix);
        await nodeA.RegisterAsync("orders", "o1", "10.0.0.1", 5001, s_orders.Revision, ["shop.Orders"]);

        // The same store, but configured as two registries: the client must not assume shared revisions.
        await using var client = TestClients.Create([nodeA.Url, nodeB.Url], _fetcher);
        using var opens = new MetricCollector<long>(client.Metrics.Meter, Opens);
        using var messages = new MetricCollector<long>(client.Metrics.Meter, Messages);
        var latest = (ServiceResolution?)null;
        using var subscription = client.Subscribe(new ServiceTarget("shop.Orders"), r => Volatile.Write(ref latest, r));
        await Poll.UntilAsync(() => Volatile.Read(ref latest)?.Endpoints.Count == 1, "resolved through registry A");

        await nodeA.StopAsync();
        await nodeB.RegisterAsync("orders", "o2", "10.0.0.2", 5001, s_orders.Revision, ["shop.Orders"]);

        await Poll.UntilAsync(() => Volatile.Read(ref latest)?.Endpoints.Count == 2, "registry B's view arrives");
        Assert.Equal(0, opens.Total("introspection.watch.mode", "resume"));
        Assert.Equal(2, messages.Total("introspection.watch.kind", "snapshot"));
    }

    [Fact]
    public async Task ResolveAsync_SnapshotAboveFourMegabytes_ResolvesWithDefaultLimitOnly()
    {
        await using var registry = await RegistryHost.StartAsync("--Introspection:Registry:Limits:MaxLabelBytes=70000", "--Introspection:Registry:Limits:MaxLabelValueBytes=65536");
        var large = new string('x', 60_000);
        for (var i = 0; i < 100; i++)
        {
            await registry.Client.RegisterAsync(new RegisterRequest
            {
                Instance = new Instance { App = "orders", InstanceId = $"o{i}", Host = "10.0.0.1", Port = 5000 + i, Revision = s_orders.Revision, Labels = { ["blob"] = large } },
                TtlMs = 300_000,
            }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        }

        await registry.Client.MapServiceAsync(new MapServiceRequest { App = "orders", Services = { "shop.Orders" } }).ResponseAsync.WaitAsync(TestTimeouts.Call);

        await using (var limited = TestClients.Create(registry.Url, _fetcher, o =>
        {
            o.RegistryMaxReceiveMessageSize = 4 * 1024 * 1024;
            o.ResolveTimeout = TimeSpan.FromSeconds(2);
        }))
        {
            await Assert.ThrowsAsync<RpcException>(() => limited.ResolveAsync("shop.Orders").AsTask().WaitAsync(TestTimeouts.Call));
        }

        await using var client = TestClients.Create(registry.Url, _fetcher);
        var endpoints = await client.ResolveAsync("shop.Orders").AsTask().WaitAsync(TestTimeouts.Call);

        Assert.Equal(100, endpoints.Count);
    }

    [Fact]
    public void BuildWatchRequest_MoreAppsThanRegistryAccepts_WatchesWholeNamespace()
    {
        var many = Enumerable.Range(0, RegistryWatchLoop.MaxWatchApps + 1).Select(i => $"app{i}").ToArray();

        var wide = RegistryWatchLoop.BuildWatchRequest("prod", many, 7);
        var narrow = RegistryWatchLoop.BuildWatchRequest("prod", many[..RegistryWatchLoop.MaxWatchApps], 7);

        Assert.Empty(wide.Apps);
        Assert.Equal(7, wide.SinceRevision);
        Assert.Equal("prod", wide.Namespace);
        Assert.Equal(RegistryWatchLoop.MaxWatchApps, narrow.Apps.Count);
    }

    [Fact]
    public async Task ResolveAsync_ServiceOfMoreThan1024Apps_ResolvesEveryApp()
    {
        const int Apps = RegistryWatchLoop.MaxWatchApps + 6;
        await using var registry = await RegistryHost.StartAsync();
        var revisions = new string[Apps];
        for (var i = 0; i < Apps; i++)
        {
            var metadata = TestMetadata.Create($"app{i}", ("shop.Big", "", ""));
            _fetcher.Add(metadata);
            revisions[i] = metadata.Revision;
        }

        await Parallel.ForAsync(0, Apps, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            await registry.RegisterAsync($"app{i}", "i1", $"10.1.{i / 250}.{i % 250 + 1}", 5001, revisions[i], ["shop.Big"]));
        await registry.RegisterAsync("unused", "u1", "10.2.0.1", 5001, s_orders.Revision, ["shop.Other"]);

        await using var client = TestClients.Create(registry.Url, _fetcher, o => o.ResolveTimeout = TimeSpan.FromSeconds(20));
        var endpoints = await client.ResolveAsync("shop.Big").AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(Apps, endpoints.Count);
    }
}
