using Grpc.Core;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Tests.Infrastructure;

namespace Introspection.Registry.Tests.Functional;

/// <summary>The registry over real gRPC on loopback.</summary>
public sealed class RegistryFunctionalTests
{
    [Fact]
    public async Task Register_WithWatcher_WatcherSeesPut()
    {
        await using var server = await RegistryHost.StartAsync();
        using var cts = new CancellationTokenSource(TestTimeouts.Long);
        using var watch = server.Client.Watch(new WatchRequest { Apps = { "orders" } }, cancellationToken: cts.Token);

        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
        var snapshot = watch.ResponseStream.Current;
        Assert.Equal(WatchResponseKind.Snapshot, snapshot.Kind);
        Assert.False(snapshot.Reset);
        Assert.Empty(snapshot.Instances);

        var registered = await server.Client.RegisterAsync(Instances.Register(), deadline: DateTime.UtcNow.Add(TestTimeouts.Long));

        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
        var delta = watch.ResponseStream.Current;
        Assert.Equal(WatchResponseKind.Delta, delta.Kind);
        var change = Assert.Single(delta.Events);
        Assert.Equal(WatchEventType.Put, change.Type);
        Assert.Equal("i-1", change.Instance.InstanceId);
        Assert.Equal(registered.Revision, change.Revision);
        Assert.Equal(registered.Revision, delta.Revision);
        Assert.True(registered.Revision > snapshot.Revision);
    }

    [Fact]
    public async Task Lease_NotRenewed_WatcherSeesDeleteWithinTtlPlusOneSweep()
    {
        await using var server = await RegistryHost.StartAsync();
        using var cts = new CancellationTokenSource(TestTimeouts.Long);
        var started = DateTime.UtcNow;
        var registered = await server.Client.RegisterAsync(Instances.Register(ttlMs: 1000), deadline: DateTime.UtcNow.Add(TestTimeouts.Long));
        Assert.Equal(1000, registered.TtlMs);
        using var watch = server.Client.Watch(new WatchRequest { Apps = { "orders" } }, cancellationToken: cts.Token);
        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
        Assert.Single(watch.ResponseStream.Current.Instances);

        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
        var elapsed = DateTime.UtcNow - started;
        var change = Assert.Single(watch.ResponseStream.Current.Events);
        Assert.Equal(WatchEventType.Delete, change.Type);
        Assert.Equal("i-1", change.Instance.InstanceId);

        // TTL 1 s + sweep 0.2 s + coalescing; the upper bound leaves room for a busy machine.
        Assert.InRange(elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(10));
        var list = await server.Client.ListInstancesAsync(new ListInstancesRequest { App = "orders" }, deadline: DateTime.UtcNow.Add(TestTimeouts.Long));
        Assert.Empty(list.Instances);
    }

    [Fact]
    public async Task KeepAlive_AfterRegistryRestart_AnswersNotFound()
    {
        long leaseId;
        await using (var first = await RegistryHost.StartAsync())
        {
            leaseId = (await first.Client.RegisterAsync(Instances.Register(), deadline: DateTime.UtcNow.Add(TestTimeouts.Long))).LeaseId;
            var renewed = await RenewOnceAsync(first, leaseId);
            Assert.Equal(0, renewed.Code);
            Assert.True(renewed.TtlMs > 0);
        }

        await using var second = await RegistryHost.StartAsync();
        var answer = await RenewOnceAsync(second, leaseId);
        Assert.Equal((int)StatusCode.NotFound, answer.Code);
        Assert.Equal(leaseId, answer.LeaseId);
        Assert.Equal(0, answer.TtlMs);
    }

    [Fact]
    public async Task KeepAlive_ManyLeasesOnOneStream_AnswersEachInOrder()
    {
        await using var server = await RegistryHost.StartAsync();
        var deadline = DateTime.UtcNow.Add(TestTimeouts.Long);
        var a = await server.Client.RegisterAsync(Instances.Register(id: "a", ttlMs: 5000), deadline: deadline);
        var b = await server.Client.RegisterAsync(Instances.Register(id: "b", ttlMs: 7000), deadline: deadline);
        using var call = server.Client.KeepAlive(deadline: deadline);

        long[] leases = [a.LeaseId, 424242, b.LeaseId, -1, a.LeaseId];
        foreach (var lease in leases)
        {
            await call.RequestStream.WriteAsync(new KeepAliveRequest { LeaseId = lease });
        }

        await call.RequestStream.CompleteAsync();
        var answers = new List<KeepAliveResponse>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(TestTimeouts.Long))
        {
            answers.Add(call.ResponseStream.Current);
        }

        Assert.Equal(leases, answers.Select(r => r.LeaseId));
        Assert.Equal([0, 5, 0, 3, 0], answers.Select(r => r.Code));
        Assert.Equal([5000L, 0, 7000, 0, 5000], answers.Select(r => r.TtlMs));
    }

    [Fact]
    public async Task Watch_ResumeFromRevision_GetsOnlyMissedChanges()
    {
        await using var server = await RegistryHost.StartAsync();
        var deadline = DateTime.UtcNow.Add(TestTimeouts.Long);
        var first = await server.Client.RegisterAsync(Instances.Register(id: "a"), deadline: deadline);
        var second = await server.Client.RegisterAsync(Instances.Register(id: "b"), deadline: deadline);
        await server.Client.RegisterAsync(Instances.Register(app: "other", id: "x"), deadline: deadline);
        var third = await server.Client.DeregisterAsync(new DeregisterRequest { App = "orders", InstanceId = "a" }, deadline: deadline);

        using var cts = new CancellationTokenSource(TestTimeouts.Long);
        using var watch = server.Client.Watch(new WatchRequest { Apps = { "orders" }, SinceRevision = first.Revision }, cancellationToken: cts.Token);
        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
        var delta = watch.ResponseStream.Current;
        Assert.Equal(WatchResponseKind.Delta, delta.Kind);
        Assert.Equal([second.Revision, third.Revision], delta.Events.Select(e => e.Revision));
        Assert.Equal([WatchEventType.Put, WatchEventType.Delete], delta.Events.Select(e => e.Type));
        Assert.Equal(third.Revision, delta.Revision);
    }

    [Fact]
    public async Task Watch_SinceRevisionInFuture_GetsResetSnapshot()
    {
        await using var server = await RegistryHost.StartAsync();
        var registered = await server.Client.RegisterAsync(Instances.Register(), deadline: DateTime.UtcNow.Add(TestTimeouts.Long));
        using var cts = new CancellationTokenSource(TestTimeouts.Long);
        using var watch = server.Client.Watch(new WatchRequest { SinceRevision = registered.Revision + 1000 }, cancellationToken: cts.Token);
        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
        var snapshot = watch.ResponseStream.Current;
        Assert.Equal(WatchResponseKind.Snapshot, snapshot.Kind);
        Assert.True(snapshot.Reset);
        Assert.Equal(registered.Revision, snapshot.Revision);
        Assert.Single(snapshot.Instances);
    }

    [Fact]
    public async Task MapService_ThenLookup_FindsAppAndWatcherSeesMapping()
    {
        await using var server = await RegistryHost.StartAsync();
        var deadline = DateTime.UtcNow.Add(TestTimeouts.Long);
        using var cts = new CancellationTokenSource(TestTimeouts.Long);
        using var watch = server.Client.Watch(new WatchRequest { Apps = { "orders" }, IncludeServiceMappings = true }, cancellationToken: cts.Token);
        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));

        var mapped = await server.Client.MapServiceAsync(new MapServiceRequest { App = "orders", Services = { "shop.Orders", "shop.Refunds" } }, deadline: deadline);
        var again = await server.Client.MapServiceAsync(new MapServiceRequest { App = "orders", Services = { "shop.Orders" } }, deadline: deadline);
        Assert.Equal(mapped.Revision, again.Revision);

        var lookup = await server.Client.LookupServiceAsync(new LookupServiceRequest { Service = "shop.Orders" }, deadline: deadline);
        Assert.Equal(["orders"], lookup.Apps);

        var events = new List<WatchEvent>();
        while (events.Count < 2)
        {
            Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
            events.AddRange(watch.ResponseStream.Current.Events);
        }

        Assert.All(events, e => Assert.Equal(WatchEventType.MappingPut, e.Type));
        Assert.Equal(["shop.Orders", "shop.Refunds"], events.Select(e => e.Mapping.Service));
    }

    [Fact]
    public async Task ListApps_AfterRegisterAndDeregister_ReflectsLiveApps()
    {
        await using var server = await RegistryHost.StartAsync();
        var deadline = DateTime.UtcNow.Add(TestTimeouts.Long);
        await server.Client.RegisterAsync(Instances.Register(id: "a"), deadline: deadline);
        await server.Client.RegisterAsync(Instances.Register(id: "b"), deadline: deadline);
        await server.Client.RegisterAsync(Instances.Register(app: "billing", id: "a", ns: "staging"), deadline: deadline);

        var apps = await server.Client.ListAppsAsync(new ListAppsRequest(), deadline: deadline);
        Assert.Equal([("orders", 2)], apps.Apps.Select(a => (a.App, a.InstanceCount)));

        await server.Client.DeregisterAsync(new DeregisterRequest { App = "orders", InstanceId = "a" }, deadline: deadline);
        await server.Client.DeregisterAsync(new DeregisterRequest { App = "orders", InstanceId = "b" }, deadline: deadline);
        Assert.Empty((await server.Client.ListAppsAsync(new ListAppsRequest { Namespace = "default" }, deadline: deadline)).Apps);
        Assert.Equal(["billing"], (await server.Client.ListAppsAsync(new ListAppsRequest { Namespace = "staging" }, deadline: deadline)).Apps.Select(a => a.App));
    }

    [Fact]
    public async Task UpdateInstance_NewRevisionAndLabels_WatcherSeesOnePutAndNoOpTakesNoRevision()
    {
        await using var server = await RegistryHost.StartAsync();
        var deadline = DateTime.UtcNow.Add(TestTimeouts.Long);
        await server.Client.RegisterAsync(Instances.Register(), deadline: deadline);
        using var cts = new CancellationTokenSource(TestTimeouts.Long);
        using var watch = server.Client.Watch(new WatchRequest { Apps = { "orders" } }, cancellationToken: cts.Token);
        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));

        var update = new UpdateInstanceRequest { App = "orders", InstanceId = "i-1", Revision = Instances.RevisionB, SetLabels = true };
        update.Labels.Add("weight", "10");
        var updated = await server.Client.UpdateInstanceAsync(update, deadline: deadline);

        // Labels without set_labels are ignored; an empty revision keeps the current one: nothing changes.
        var noOp = new UpdateInstanceRequest { App = "orders", InstanceId = "i-1" };
        noOp.Labels.Add("ignored", "x");
        Assert.Equal(updated.Revision, (await server.Client.UpdateInstanceAsync(noOp, deadline: deadline)).Revision);

        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
        var change = Assert.Single(watch.ResponseStream.Current.Events);
        Assert.Equal((WatchEventType.Put, updated.Revision, Instances.RevisionB), (change.Type, change.Revision, change.Instance.Revision));
        Assert.Equal(["weight"], change.Instance.Labels.Keys);
        var listed = Assert.Single((await server.Client.ListInstancesAsync(new ListInstancesRequest { App = "orders" }, deadline: deadline)).Instances);
        Assert.Equal(updated.Revision, listed.ModRevision);
        Assert.Equal(["weight"], listed.Labels.Keys);
    }

    private static async Task<KeepAliveResponse> RenewOnceAsync(RegistryHost server, long leaseId)
    {
        using var call = server.Client.KeepAlive(deadline: DateTime.UtcNow.Add(TestTimeouts.Long));
        await call.RequestStream.WriteAsync(new KeepAliveRequest { LeaseId = leaseId });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(TestTimeouts.Long));
        return call.ResponseStream.Current;
    }
}
