using Grpc.Core;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Tests.Infrastructure;

namespace Introspection.Registry.Tests.Redis;

/// <summary>Several registry nodes over real gRPC on loopback, sharing one real redis-server.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisRegistryFunctionalTests(RedisServerFixture fixture)
{
    private static DateTime Deadline => DateTime.UtcNow.Add(TestTimeouts.Long);

    [Fact]
    public async Task Watch_RegisterOnNodeA_WatcherOnNodeBSeesPut()
    {
        var prefix = RedisStores.NewPrefix();
        await using var a = await RegistryHost.StartOnRedisAsync(fixture.Server, prefix);
        await using var b = await RegistryHost.StartOnRedisAsync(fixture.Server, prefix);
        using var cts = new CancellationTokenSource(TestTimeouts.Long);
        using var watch = b.Client.Watch(new WatchRequest { Apps = { "orders" } }, cancellationToken: cts.Token);
        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
        Assert.Equal(WatchResponseKind.Snapshot, watch.ResponseStream.Current.Kind);

        var registered = await a.Client.RegisterAsync(Instances.Register(), deadline: Deadline);

        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
        var change = Assert.Single(watch.ResponseStream.Current.Events);
        Assert.Equal((WatchEventType.Put, "i-1", registered.Revision), (change.Type, change.Instance.InstanceId, change.Revision));
        var listedOnB = await b.Client.ListInstancesAsync(new ListInstancesRequest { App = "orders" }, deadline: Deadline);
        Assert.Equal(registered.Revision, Assert.Single(listedOnB.Instances).ModRevision);
    }

    [Fact]
    public async Task Watch_NodeStoppedMidStream_WatcherResumesOnOtherNodeWithoutGapsOrRepeats()
    {
        var prefix = RedisStores.NewPrefix();
        var a = await RegistryHost.StartOnRedisAsync(fixture.Server, prefix);
        await using var b = await RegistryHost.StartOnRedisAsync(fixture.Server, prefix);
        var aStopped = false;
        await using var watcher = new WatchRecorder(() => Volatile.Read(ref aStopped) ? b : a);
        await Poll.UntilAsync(() => watcher.Messages.Count > 0, because: "the snapshot from node A");

        // Writes go to B throughout; A is stopped while the watcher is in the middle of the stream.
        var revisions = new List<long>();
        for (var i = 0; i < 60; i++)
        {
            if (i == 25)
            {
                await Poll.UntilAsync(() => watcher.Events.Count >= 10, because: "A streamed some deltas first");
                Volatile.Write(ref aStopped, true);
                await a.DisposeAsync().AsTask().WaitAsync(TestTimeouts.Long);
            }

            var reply = await b.Client.RegisterAsync(Instances.Register(id: $"i-{i:00}", ttlMs: 60_000), deadline: Deadline);
            revisions.Add(reply.Revision);
        }

        await Poll.UntilAsync(() => watcher.Revision >= revisions[^1], because: "the watcher catches up on B");

        Assert.True(watcher.Connections >= 2, "the watcher reconnected");
        var messages = watcher.Messages;
        Assert.Equal(WatchResponseKind.Snapshot, messages[0].Kind);
        Assert.All(messages.Skip(1), m => Assert.Equal(WatchResponseKind.Delta, m.Kind));
        Assert.Equal(revisions, watcher.Events.Select(e => e.Revision));
        Assert.Equal(60, watcher.View().Count);
    }

    [Fact]
    public async Task Leases_LapseWhileEveryNodeSweeps_ExactlyOneDeletePerLease()
    {
        // All leases lapse together on purpose: self-preservation would rightly pause eviction.
        var prefix = RedisStores.NewPrefix();
        const string NoSelfPreservation = "--Introspection:Registry:SelfPreservation:Enabled=false";
        await using var a = await RegistryHost.StartOnRedisAsync(fixture.Server, prefix, NoSelfPreservation);
        await using var b = await RegistryHost.StartOnRedisAsync(fixture.Server, prefix, NoSelfPreservation);
        await using var c = await RegistryHost.StartOnRedisAsync(fixture.Server, prefix, NoSelfPreservation);
        await using var watcher = new WatchRecorder(() => c);
        await Poll.UntilAsync(() => watcher.Messages.Count > 0, because: "the snapshot");

        for (var i = 0; i < 20; i++)
        {
            await (i % 2 == 0 ? a : b).Client.RegisterAsync(Instances.Register(id: $"i-{i:00}", ttlMs: 1000), deadline: Deadline);
        }

        await Poll.UntilAsync(() => watcher.Events.Count(e => e.Type == WatchEventType.Delete) >= 20, because: "every lease lapses");
        await Task.Delay(TimeSpan.FromSeconds(1));

        var deletes = watcher.Events.Where(e => e.Type == WatchEventType.Delete).ToList();
        Assert.Equal(20, deletes.Count);
        Assert.Equal(20, deletes.Select(e => e.Instance.InstanceId).Distinct().Count());
        Assert.Empty(watcher.View());
    }

    [Fact]
    public async Task Redis_RestartedUnderLoad_UnavailableDuringOutageNothingLostAfter()
    {
        // A durable Redis (AOF, fsync always) that crashes and comes back with its data, as a production
        // Redis with persistence or a promoted replica does.
        await using var redis = await RedisServer.StartAsync(durable: true);
        var prefix = RedisStores.NewPrefix();
        await using var a = await RegistryHost.StartOnRedisAsync(redis, prefix);
        await using var b = await RegistryHost.StartOnRedisAsync(redis, prefix);
        await using var watcher = new WatchRecorder(() => b);
        await Poll.UntilAsync(() => watcher.Messages.Count > 0, because: "the snapshot");

        // Load: instances registered on A with a 2 s TTL, renewed every 400 ms over one KeepAlive stream,
        // and more registrations throughout, outage included.
        var leases = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        var unavailable = 0;
        using var stop = new CancellationTokenSource();
        var load = Task.Run(async () =>
        {
            var next = 0;
            while (!stop.IsCancellationRequested)
            {
                var id = $"i-{next:000}";
                try
                {
                    var reply = await a.Client.RegisterAsync(Instances.Register(id: id, ttlMs: 2000), deadline: DateTime.UtcNow.AddSeconds(5));
                    leases[id] = reply.LeaseId;
                    next++;
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable)
                {
                    Interlocked.Increment(ref unavailable);
                }

                await Task.Delay(50);
            }
        });
        var renewals = Task.Run(() => KeepAliveAsync(a, leases, stop.Token));

        await Poll.UntilAsync(() => leases.Count >= 10, because: "some instances registered before the outage");
        await redis.KillAsync();
        await Poll.UntilAsync(() => Volatile.Read(ref unavailable) > 0, because: "registrations answer UNAVAILABLE during the outage");
        var listDuringOutage = await Assert.ThrowsAsync<RpcException>(() => b.Client.ListInstancesAsync(new ListInstancesRequest { App = "orders" }, deadline: Deadline).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, listDuringOutage.StatusCode);

        // Down for longer than the TTL: without the outage extension every lease would lapse.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await redis.StartAgainAsync();
        var registeredBefore = leases.Count;
        await Poll.UntilAsync(() => leases.Count >= registeredBefore + 10, because: "registrations succeed again");

        // Two more TTLs of normal operation: renewals keep every lease, sweepers find nothing lapsed.
        await Task.Delay(TimeSpan.FromSeconds(3));
        await stop.CancelAsync();
        await Task.WhenAll(load, renewals).WaitAsync(TestTimeouts.Long);

        var listed = await b.Client.ListInstancesAsync(new ListInstancesRequest { App = "orders" }, deadline: Deadline);
        var listedIds = listed.Instances.Select(i => i.InstanceId).ToHashSet();
        Assert.Subset(listedIds, leases.Keys.ToHashSet());
        var deleted = watcher.Events.Where(e => e.Type == WatchEventType.Delete).Select(e => e.Instance.InstanceId).ToList();
        Assert.DoesNotContain(deleted, leases.ContainsKey);
        await Poll.UntilAsync(() => watcher.Revision >= listed.Revision, because: "the watcher catches up");
        Assert.Subset(watcher.View().Keys.ToHashSet(), leases.Keys.ToHashSet());
        var revisions = watcher.Events.Select(e => e.Revision).ToList();
        Assert.Equal(revisions.Distinct().Order(), revisions);
    }

    [Fact]
    public async Task Redis_RestartedEmpty_WatchersResetAndRenewalsNotFoundSoProvidersRegisterAgain()
    {
        // A Redis without persistence comes back empty: the registry must not pretend otherwise.
        await using var redis = await RedisServer.StartAsync();
        var prefix = RedisStores.NewPrefix();
        await using var a = await RegistryHost.StartOnRedisAsync(redis, prefix);
        await using var b = await RegistryHost.StartOnRedisAsync(redis, prefix);
        await using var watcher = new WatchRecorder(() => b);
        var before = await a.Client.RegisterAsync(Instances.Register(ttlMs: 30_000), deadline: Deadline);
        await Poll.UntilAsync(() => watcher.Revision >= before.Revision, because: "the watcher sees the PUT");

        await redis.KillAsync();
        await redis.StartAgainAsync();

        using var cts = new CancellationTokenSource(TestTimeouts.Long);
        using var keepAlive = a.Client.KeepAlive(cancellationToken: cts.Token);
        KeepAliveResponse answer;
        do
        {
            await keepAlive.RequestStream.WriteAsync(new KeepAliveRequest { LeaseId = before.LeaseId }, cts.Token);
            Assert.True(await keepAlive.ResponseStream.MoveNext(cts.Token));
            answer = keepAlive.ResponseStream.Current;
            await Task.Delay(answer.Code == (int)StatusCode.Unavailable ? 100 : 0, cts.Token);
        }
        while (answer.Code == (int)StatusCode.Unavailable);
        Assert.Equal((int)StatusCode.NotFound, answer.Code);
        await keepAlive.RequestStream.CompleteAsync().WaitAsync(TestTimeouts.Long);

        await Poll.UntilAsync(() => watcher.Messages.Any(m => m.Kind == WatchResponseKind.Snapshot && m.Reset), because: "the watcher is reset to the empty state");
        Assert.Empty(watcher.View());
        var again = await a.Client.RegisterAsync(Instances.Register(ttlMs: 30_000), deadline: Deadline);
        Assert.True(again.Revision > before.Revision, "revisions restart above every revision issued before");
        Assert.NotEqual(before.LeaseId, again.LeaseId); // lease ids are never reused (random now: not "above", just never the old one)
        await Poll.UntilAsync(() => watcher.View().ContainsKey("i-1"), because: "the watcher sees the new registration");
    }

    [Theory]
    [InlineData("--Introspection:Registry:Redis:KeyPrefix=x", "Configuration is required")]
    [InlineData("--Introspection:Registry:Redis:Configuration=127.0.0.1:1,notanoption=1", "not a valid")]
    [InlineData("--Introspection:Registry:Redis:Configuration=127.0.0.1:1,--Introspection:Registry:Redis:KeyPrefix=a{b}", "KeyPrefix")]
    [InlineData("--Introspection:Registry:Redis:Configuration=127.0.0.1:1,--Introspection:Registry:Redis:WaitReplicas=-1", "WaitReplicas")]
    [InlineData("--Introspection:Registry:Redis:Configuration=127.0.0.1:1,--Introspection:Registry:Redis:WaitReplicas=1 --Introspection:Registry:Redis:WaitTimeout=00:00:05", "WaitTimeout")]
    public async Task Startup_InvalidRedisSettings_FailsNamingTheSetting(string setting, string expected)
    {
        string[] args = setting.Split(",--", 2) is [var first, var second] ? [first, .. ("--" + second).Split(' ')] : [setting];
        await using var app = RegistryApplication.Build(["--urls", "http://127.0.0.1:0", "--Introspection:Registry:Store=redis", .. args]);

        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => app.StartAsync().WaitAsync(TestTimeouts.Long));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static async Task KeepAliveAsync(RegistryHost node, System.Collections.Concurrent.ConcurrentDictionary<string, long> leases, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var call = node.Client.KeepAlive(cancellationToken: cancellationToken);
                var answers = Task.Run(async () =>
                {
                    while (await call.ResponseStream.MoveNext(cancellationToken))
                    {
                        // Code 14 while Redis is down: the stream stays open and the next round retries.
                    }
                }, CancellationToken.None);
                while (!cancellationToken.IsCancellationRequested)
                {
                    foreach (var lease in leases.Values)
                    {
                        await call.RequestStream.WriteAsync(new KeepAliveRequest { LeaseId = lease }, cancellationToken);
                    }

                    await Task.Delay(400, cancellationToken);
                }

                await call.RequestStream.CompleteAsync();
                await answers.WaitAsync(TestTimeouts.Long);
            }
            catch (Exception ex) when (ex is RpcException or OperationCanceledException or InvalidOperationException)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }

                await Task.Delay(200, CancellationToken.None);
            }
        }
    }

    [Fact]
    public async Task Redis_IdleAppOnTwoSweepingNodes_OneMappingDeletePerPair()
    {
        var prefix = RedisStores.NewPrefix();
        const string UnmapFast = "--Introspection:Registry:Limits:UnmapAfter=00:00:01";
        await using var a = await RegistryHost.StartOnRedisAsync(fixture.Server, prefix, UnmapFast);
        await using var b = await RegistryHost.StartOnRedisAsync(fixture.Server, prefix, UnmapFast);
        using var cts = new CancellationTokenSource(TestTimeouts.Long);
        using var watch = b.Client.Watch(new WatchRequest { IncludeServiceMappings = true }, cancellationToken: cts.Token);
        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
        var map = new MapServiceRequest { App = "ghost" };
        map.Services.AddRange(["s.A", "s.B"]);
        await a.Client.MapServiceAsync(map, deadline: Deadline);

        var events = new List<WatchEvent>();
        while (events.Count(e => e.Type == WatchEventType.MappingDelete) < 2)
        {
            Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
            events.AddRange(watch.ResponseStream.Current.Events);
        }

        // Both nodes sweep every second for a while longer: no second unmapping.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Empty((await a.Client.LookupServiceAsync(new LookupServiceRequest { Service = "s.A" }, deadline: Deadline)).Apps);
        await a.Client.MapServiceAsync(new MapServiceRequest { App = "marker", Services = { "s.Z" } }, deadline: Deadline);
        while (!events.Any(e => e.Type == WatchEventType.MappingPut && e.Mapping.App == "marker"))
        {
            Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
            events.AddRange(watch.ResponseStream.Current.Events);
        }

        Assert.Equal(
            [("s.A", "ghost"), ("s.B", "ghost")],
            events.Where(e => e.Type == WatchEventType.MappingDelete).Select(e => (e.Mapping.Service, e.Mapping.App)));
    }

    [Fact]
    public async Task Redis_RegisterPastMaxInstancesPerNamespace_ResourceExhaustedOnEveryNode()
    {
        var prefix = RedisStores.NewPrefix();
        const string Cap = "--Introspection:Registry:Limits:MaxInstancesPerNamespace=1";
        await using var a = await RegistryHost.StartOnRedisAsync(fixture.Server, prefix, Cap);
        await using var b = await RegistryHost.StartOnRedisAsync(fixture.Server, prefix, Cap);
        await a.Client.RegisterAsync(Instances.Register(id: "a"), deadline: Deadline);

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await b.Client.RegisterAsync(Instances.Register(id: "b"), deadline: Deadline));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("Introspection:Registry:Limits:MaxInstancesPerNamespace (1)", ex.Status.Detail, StringComparison.Ordinal);
    }
}
