using Grpc.Core;
using Introspection.Client.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Introspection.Client.Tests.Resolution;

/// <summary>
/// The client against a real registry (Kestrel on loopback). Instances are registered directly with the registry;
/// only the metadata fetch is replaced, by an in-process fake at the <c>IMetadataFetcher</c> seam.
/// </summary>
public sealed class DiscoveryTests : IAsyncLifetime
{
    private static readonly Protocol.Metadata.V1.MetadataInfo s_ordersV1 = TestMetadata.Create("orders", ("shop.Orders", "", "1"), ("shop.Audit", "", ""));
    private static readonly Protocol.Metadata.V1.MetadataInfo s_ordersCanary = TestMetadata.Create("orders-canary", ("shop.Orders", "canary", "2"));

    private RegistryHost _registry = null!;
    private readonly FakeMetadataFetcher _fetcher = new();

    public async Task InitializeAsync()
    {
        _registry = await RegistryHost.StartAsync();
        _fetcher.Add(s_ordersV1);
        _fetcher.Add(s_ordersCanary);
    }

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    [Fact]
    public async Task ResolveAsync_ServiceNoAppProvides_ThrowsUnavailableNamingService()
    {
        await using var client = TestClients.Create(_registry.Url, _fetcher);

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.ResolveAsync("shop.Missing").AsTask().WaitAsync(TestTimeouts.Call));

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Equal(IntrospectionErrorKind.ServiceNotDiscovered, IntrospectionErrors.GetKind(ex));
        Assert.True(IntrospectionErrors.IsServiceNotDiscovered(ex));
        Assert.Contains("'shop.Missing'", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("service-not-discovered", ex.Trailers.GetValue(IntrospectionErrors.ErrorTrailer));
    }

    [Fact]
    public async Task ResolveAsync_RegistryUnreachableAndNoSnapshot_ThrowsUnavailableNamingService()
    {
        await using var client = TestClients.Create("http://127.0.0.1:1", _fetcher);

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.ResolveAsync("shop.Orders").AsTask().WaitAsync(TestTimeouts.Call));

        Assert.Equal(IntrospectionErrorKind.ServiceNotDiscovered, IntrospectionErrors.GetKind(ex));
        Assert.Contains("'shop.Orders'", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("registry is unreachable", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveAsync_FirstRegistryAddressDead_FailsOverToNext()
    {
        await _registry.RegisterAsync("orders", "o1", "10.0.0.1", 5001, s_ordersV1.Revision, ["shop.Orders"]);
        await using var client = TestClients.Create(["http://127.0.0.1:1", _registry.Url], _fetcher);

        var endpoints = await client.ResolveAsync("shop.Orders").AsTask().WaitAsync(TestTimeouts.Call);

        Assert.Equal("o1", Assert.Single(endpoints).InstanceId);
    }

    [Fact]
    public async Task Subscribe_WatchedRegistryDies_FailsOverToNextAddressFromSnapshot()
    {
        await using var second = await RegistryHost.StartAsync();
        foreach (var registry in new[] { _registry, second })
        {
            await registry.RegisterAsync("orders", "o1", "10.0.0.1", 5001, s_ordersV1.Revision, ["shop.Orders"]);
        }

        await using var client = TestClients.Create([_registry.Url, second.Url], _fetcher);
        var latest = (ServiceResolution?)null;
        using var subscription = client.Subscribe(new ServiceTarget("shop.Orders"), r => Volatile.Write(ref latest, r));
        await Poll.UntilAsync(() => Volatile.Read(ref latest)?.Endpoints.Count == 1, "resolved through the first registry");

        await _registry.StopAsync();
        await second.RegisterAsync("orders", "o2", "10.0.0.2", 5001, s_ordersV1.Revision, ["shop.Orders"]);

        await Poll.UntilAsync(() => Volatile.Read(ref latest)?.Endpoints.Count == 2, "the second registry's view arrives");
    }

    [Fact]
    public async Task ResolveAsync_RegistryGivenByDnsName_Resolves()
    {
        await _registry.RegisterAsync("orders", "o1", "10.0.0.1", 5001, s_ordersV1.Revision, ["shop.Orders"]);
        var byName = new UriBuilder(_registry.Url) { Host = "localhost" }.Uri.ToString();
        await using var client = TestClients.Create(byName, _fetcher);

        var endpoints = await client.ResolveAsync("shop.Orders").AsTask().WaitAsync(TestTimeouts.Call);

        Assert.Equal("o1", Assert.Single(endpoints).InstanceId);
    }

    [Fact]
    public async Task ResolveAsync_GroupAndVersion_FilterInstances()
    {
        await _registry.RegisterAsync("orders", "o1", "10.0.0.1", 5001, s_ordersV1.Revision, ["shop.Orders", "shop.Audit"]);
        await _registry.RegisterAsync("orders-canary", "c1", "10.0.0.2", 5002, s_ordersCanary.Revision, ["shop.Orders"]);
        await using var client = TestClients.Create(_registry.Url, _fetcher);

        var all = await client.ResolveAsync("shop.Orders").AsTask().WaitAsync(TestTimeouts.Call);
        var canary = await client.ResolveAsync(new ServiceTarget("shop.Orders", group: "canary")).AsTask().WaitAsync(TestTimeouts.Call);
        var v1 = await client.ResolveAsync(new ServiceTarget("shop.Orders", version: "1")).AsTask().WaitAsync(TestTimeouts.Call);
        var pinnedApp = await client.ResolveAsync(new ServiceTarget("shop.Orders", app: "orders-canary")).AsTask().WaitAsync(TestTimeouts.Call);
        var none = await Assert.ThrowsAsync<RpcException>(() => client.ResolveAsync(new ServiceTarget("shop.Orders", version: "3")).AsTask().WaitAsync(TestTimeouts.Call));

        Assert.Equal(["c1", "o1"], all.Select(e => e.InstanceId).Order());
        Assert.Equal("c1", Assert.Single(canary).InstanceId);
        Assert.Equal("o1", Assert.Single(v1).InstanceId);
        Assert.Equal("c1", Assert.Single(pinnedApp).InstanceId);
        Assert.Contains("version '3'", none.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveAsync_TenInstancesOneRevision_FetchesMetadataOnce()
    {
        for (var i = 0; i < 10; i++)
        {
            await _registry.RegisterAsync("orders", $"o{i}", "10.0.0.1", 5000 + i, s_ordersV1.Revision, ["shop.Orders", "shop.Audit"]);
        }

        await using var client = TestClients.Create(_registry.Url, _fetcher);
        using var fetches = new MetricCollector<long>(client.Metrics.Meter, "introspection.client.metadata.fetches");
        using var hits = new MetricCollector<long>(client.Metrics.Meter, "introspection.client.metadata.cache.lookups");

        var endpoints = await client.ResolveAsync("shop.Orders").AsTask().WaitAsync(TestTimeouts.Call);
        var audit = await client.ResolveAsync("shop.Audit").AsTask().WaitAsync(TestTimeouts.Call);

        Assert.Equal(10, endpoints.Count);
        Assert.Equal(10, audit.Count);
        Assert.Equal(1, _fetcher.Calls);
        Assert.Equal(1, fetches.Total("introspection.result", "success"));
        Assert.True(hits.Total("introspection.result", "hit") > 0);
    }

    [Fact]
    public async Task ResolveAsync_InstanceWhoseMetadataIsUnknown_IsNotRouted()
    {
        var unknown = TestMetadata.Create("orders", ("shop.Orders", "", "9"));
        await _registry.RegisterAsync("orders", "o1", "10.0.0.1", 5001, s_ordersV1.Revision, ["shop.Orders"]);
        await _registry.RegisterAsync("orders", "o2", "10.0.0.2", 5001, unknown.Revision, ["shop.Orders"]);
        await using var client = TestClients.Create(_registry.Url, _fetcher);

        var endpoints = await client.ResolveAsync("shop.Orders").AsTask().WaitAsync(TestTimeouts.Call);

        Assert.Equal("o1", Assert.Single(endpoints).InstanceId);
    }

    [Fact]
    public async Task Subscribe_InstancesComeAndGo_PushesEveryChange()
    {
        await _registry.RegisterAsync("orders", "o1", "10.0.0.1", 5001, s_ordersV1.Revision, ["shop.Orders"]);
        await using var client = TestClients.Create(_registry.Url, _fetcher);
        var latest = (ServiceResolution?)null;
        using var subscription = client.Subscribe(new ServiceTarget("shop.Orders"), r => Volatile.Write(ref latest, r));

        await Poll.UntilAsync(() => Volatile.Read(ref latest)?.Endpoints.Count == 1, "the first instance is pushed");
        await _registry.RegisterAsync("orders", "o2", "10.0.0.2", 5001, s_ordersV1.Revision, ["shop.Orders"]);
        await Poll.UntilAsync(() => Volatile.Read(ref latest)?.Endpoints.Count == 2, "the second instance is pushed");
        await _registry.DeregisterAsync("orders", "o1");
        await Poll.UntilAsync(() => Volatile.Read(ref latest)?.Endpoints.Select(e => e.InstanceId).SequenceEqual(["o2"]) == true, "the removal is pushed");
    }

    [Fact]
    public async Task Subscribe_NewAppStartsProvidingService_JoinsWithoutLosingTheFirstApp()
    {
        await _registry.RegisterAsync("orders", "o1", "10.0.0.1", 5001, s_ordersV1.Revision, ["shop.Orders"]);
        await using var client = TestClients.Create(_registry.Url, _fetcher);
        var latest = (ServiceResolution?)null;
        using var subscription = client.Subscribe(new ServiceTarget("shop.Orders"), r => Volatile.Write(ref latest, r));
        await Poll.UntilAsync(() => Volatile.Read(ref latest)?.Endpoints.Count == 1, "the first app is resolved");

        // A second app maps the service: the watched app set grows and the stream is re-opened for both.
        await _registry.RegisterAsync("orders-canary", "c1", "10.0.0.2", 5002, s_ordersCanary.Revision, ["shop.Orders"]);
        await Poll.UntilAsync(() => Volatile.Read(ref latest)?.Endpoints.Count == 2, "the second app joins");
        await _registry.RegisterAsync("orders", "o2", "10.0.0.3", 5001, s_ordersV1.Revision, ["shop.Orders"]);

        await Poll.UntilAsync(() => Volatile.Read(ref latest)?.Endpoints.Count == 3, "changes keep flowing on the new stream");
    }

    [Fact]
    public async Task Resolve_AppTurnsEmpty_EmptyProtectionKeepsLastList()
    {
        await _registry.RegisterAsync("orders", "o1", "10.0.0.1", 5001, s_ordersV1.Revision, ["shop.Orders"]);
        await _registry.RegisterAsync("orders", "o2", "10.0.0.2", 5001, s_ordersV1.Revision, ["shop.Orders"]);
        await using var client = TestClients.Create(_registry.Url, _fetcher);
        await using var unprotected = TestClients.Create(_registry.Url, _fetcher, o => o.EmptyProtection = false);
        var protectedView = (ServiceResolution?)null;
        var unprotectedView = (ServiceResolution?)null;
        using var s1 = client.Subscribe(new ServiceTarget("shop.Orders"), r => Volatile.Write(ref protectedView, r));
        using var s2 = unprotected.Subscribe(new ServiceTarget("shop.Orders"), r => Volatile.Write(ref unprotectedView, r));
        await Poll.UntilAsync(() => Volatile.Read(ref protectedView)?.Endpoints.Count == 2 && Volatile.Read(ref unprotectedView)?.Endpoints.Count == 2, "both clients see two instances");

        await _registry.DeregisterAsync("orders", "o1");
        await _registry.DeregisterAsync("orders", "o2");

        await Poll.UntilAsync(() => Volatile.Read(ref unprotectedView)?.Status.StatusCode == StatusCode.Unavailable, "the unprotected client sees the app empty");
        // The last non-empty list is [o2], or [o1, o2] when both removals arrived in one coalesced message.
        Assert.Contains("o2", Volatile.Read(ref protectedView)!.Endpoints.Select(e => e.InstanceId));
        Assert.Contains("o2", (await client.ResolveAsync("shop.Orders").AsTask().WaitAsync(TestTimeouts.Call)).Select(e => e.InstanceId));
        var ex = await Assert.ThrowsAsync<RpcException>(() => unprotected.ResolveAsync("shop.Orders").AsTask().WaitAsync(TestTimeouts.Call));
        Assert.Equal(IntrospectionErrorKind.NoInstances, IntrospectionErrors.GetKind(ex));
        Assert.Equal("no-instances", ex.Trailers.GetValue(IntrospectionErrors.ErrorTrailer));

        // A new instance ends protection: the list is the registry's again.
        await _registry.RegisterAsync("orders", "o3", "10.0.0.3", 5001, s_ordersV1.Revision, ["shop.Orders"]);
        await Poll.UntilAsync(() => Volatile.Read(ref protectedView)?.Endpoints.Select(e => e.InstanceId).SequenceEqual(["o3"]) == true, "protection ends");
    }

    [Fact]
    public async Task ResolveAsync_ClientRestartedWhileRegistryDown_StartsFromSnapshot()
    {
        await _registry.RegisterAsync("orders", "o1", "10.0.0.1", 5001, s_ordersV1.Revision, ["shop.Orders"]);
        var snapshotPath = TestClients.NewSnapshotPath();
        await using (var first = TestClients.Create(_registry.Url, _fetcher, o => o.SnapshotPath = snapshotPath))
        {
            Assert.Single(await first.ResolveAsync("shop.Orders").AsTask().WaitAsync(TestTimeouts.Call));
            await Poll.UntilAsync(() => File.Exists(snapshotPath), "the snapshot is written");
        }

        await _registry.StopAsync();
        var fetcher = new FakeMetadataFetcher();
        await using var restarted = TestClients.Create(_registry.Url, fetcher, o => o.SnapshotPath = snapshotPath);

        var endpoints = await restarted.ResolveAsync("shop.Orders").AsTask().WaitAsync(TestTimeouts.Call);

        Assert.Equal(("o1", "10.0.0.1", 5001), (Assert.Single(endpoints).InstanceId, endpoints[0].Host, endpoints[0].Port));
        Assert.Equal(0, fetcher.Calls);
    }

    [Fact]
    public async Task ResolveAsync_StaleSnapshotAndRegistryUp_AnswersFromRegistry()
    {
        await _registry.RegisterAsync("orders", "o1", "10.0.0.1", 5001, s_ordersV1.Revision, ["shop.Orders"]);
        var snapshotPath = TestClients.NewSnapshotPath();
        await using (var first = TestClients.Create(_registry.Url, _fetcher, o => o.SnapshotPath = snapshotPath))
        {
            await first.ResolveAsync("shop.Orders").AsTask().WaitAsync(TestTimeouts.Call);
        }

        await _registry.DeregisterAsync("orders", "o1");
        await _registry.RegisterAsync("orders", "o2", "10.0.0.2", 5001, s_ordersV1.Revision, ["shop.Orders"]);
        await using var restarted = TestClients.Create(_registry.Url, _fetcher, o => o.SnapshotPath = snapshotPath);

        var endpoints = await restarted.ResolveAsync("shop.Orders").AsTask().WaitAsync(TestTimeouts.Call);

        Assert.Equal("o2", Assert.Single(endpoints).InstanceId);
    }

    [Fact]
    public async Task ResolveAsync_SnapshotListNowEmptyInRegistry_IsNotEmptyProtected()
    {
        await _registry.RegisterAsync("orders", "o1", "10.0.0.1", 5001, s_ordersV1.Revision, ["shop.Orders"]);
        var snapshotPath = TestClients.NewSnapshotPath();
        await using (var first = TestClients.Create(_registry.Url, _fetcher, o => o.SnapshotPath = snapshotPath))
        {
            await first.ResolveAsync("shop.Orders").AsTask().WaitAsync(TestTimeouts.Call);
        }

        await _registry.DeregisterAsync("orders", "o1");
        await using var restarted = TestClients.Create(_registry.Url, _fetcher, o => o.SnapshotPath = snapshotPath);

        var ex = await Assert.ThrowsAsync<RpcException>(() => restarted.ResolveAsync("shop.Orders").AsTask().WaitAsync(TestTimeouts.Call));

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }

    [Fact]
    public async Task ResolveAsync_SnapshotWithTamperedMetadata_IgnoresThatMetadata()
    {
        await _registry.RegisterAsync("orders", "o1", "10.0.0.1", 5001, s_ordersV1.Revision, ["shop.Orders"]);
        var snapshotPath = TestClients.NewSnapshotPath();
        await using (var first = TestClients.Create(_registry.Url, _fetcher, o => o.SnapshotPath = snapshotPath))
        {
            await first.ResolveAsync("shop.Orders").AsTask().WaitAsync(TestTimeouts.Call);
        }

        // Swap the metadata for content that does not hash to its revision.
        var forged = s_ordersV1.Clone();
        forged.Services[0].Version = "666";
        var text = File.ReadAllText(snapshotPath).Replace(
            Convert.ToBase64String(Google.Protobuf.MessageExtensions.ToByteArray(s_ordersV1)),
            Convert.ToBase64String(Google.Protobuf.MessageExtensions.ToByteArray(forged)), StringComparison.Ordinal);
        File.WriteAllText(snapshotPath, text);
        await _registry.StopAsync();
        await using var restarted = TestClients.Create(_registry.Url, new FakeMetadataFetcher(), o => o.SnapshotPath = snapshotPath);

        var ex = await Assert.ThrowsAsync<RpcException>(() => restarted.ResolveAsync(new ServiceTarget("shop.Orders", version: "666")).AsTask().WaitAsync(TestTimeouts.Call));

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }

    [Fact]
    public async Task ResolveAsync_StaticEndpoint_NeverTouchesRegistry()
    {
        await using var client = TestClients.Create("http://127.0.0.1:1", _fetcher, o => o.StaticEndpoints["shop.Orders"] = "192.168.1.5:7000, [::1]:7001");

        var endpoints = await client.ResolveAsync("shop.Orders").AsTask().WaitAsync(TestTimeouts.Call);

        Assert.Equal([("192.168.1.5", 7000), ("::1", 7001)], endpoints.Select(e => (e.Host, e.Port)));
    }
}
