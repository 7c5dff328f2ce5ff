using Grpc.Core;
using Grpc.Net.Client;
using Introspection.Client.Internal;
using Introspection.Client.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Introspection.Client.Tests.Functional;

/// <summary>
/// Everything real: the registry, providers built on the provider library (Kestrel, loopback, port 0), and a
/// consumer host using AddIntrospectionClient + AddGrpcClient("introspect:///greet.Greeter").
/// </summary>
public sealed class EndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan s_leaseTtl = TimeSpan.FromSeconds(1.5);
    private readonly List<IAsyncDisposable> _owned = [];
    private RegistryHost _registry = null!;

    public async Task InitializeAsync() => _registry = await RegistryHost.StartAsync();

    public async Task DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        await _registry.DisposeAsync();
    }

    [Fact]
    public async Task Calls_ThreeProviders_SpreadOverAllAndFetchMetadataOnce()
    {
        var providers = await StartProvidersAsync("p1", "p2", "p3");
        var consumer = Own(await TestConsumer.StartAsync(_registry.Url));
        var answered = new Dictionary<string, int>();

        for (var i = 0; i < 60; i++)
        {
            var instance = await consumer.CallAsync();
            answered[instance] = answered.GetValueOrDefault(instance) + 1;
        }

        Assert.Equal(["p1", "p2", "p3"], answered.Keys.Order());
        // round_robin over ready connections: even, give or take the first calls made before all were connected.
        Assert.All(answered.Values, count => Assert.InRange(count, 5, 40));
        // Three instances, one build, one revision: one metadata fetch in total.
        Assert.Equal(1, providers.Sum(p => Volatile.Read(ref p.Counters.MetadataCalls)));
    }

    [Fact]
    public async Task Resolve_TwoRevisions_FetchesMetadataOncePerRevision()
    {
        var v1 = await StartProvidersAsync("p1", "p2");
        var v2 = await StartVersionedProvidersAsync("2", "q1", "q2");
        var consumer = Own(await TestConsumer.StartAsync(_registry.Url));
        using var fetches = new MetricCollector<long>(consumer.Client.Metrics.Meter, "introspection.client.metadata.fetches");

        var all = await consumer.Client.ResolveAsync("greet.Greeter").AsTask().WaitAsync(TestTimeouts.Call);
        for (var i = 0; i < 20; i++)
        {
            await consumer.CallAsync();
        }

        Assert.Equal(4, all.Count);
        Assert.Equal(2, all.Select(e => e.Revision).Distinct().Count());
        Assert.Equal(2, v1.Concat(v2).Sum(p => Volatile.Read(ref p.Counters.MetadataCalls)));
        Assert.Equal(2, fetches.Total("introspection.result", "success"));
    }

    [Fact]
    public async Task Calls_VersionInTarget_GoOnlyToThatVersion()
    {
        await StartProvidersAsync("p1", "p2");
        await StartVersionedProvidersAsync("2", "q1");
        var consumer = Own(await TestConsumer.StartAsync(_registry.Url, "introspect:///greet.Greeter?version=2"));
        var unversionedOnly = Own(await TestConsumer.StartAsync(_registry.Url, "introspect:///greet.Greeter?version=9"));

        var answered = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            answered.Add(await consumer.CallAsync());
        }

        Assert.Equal(["q1"], answered);
        var ex = await Assert.ThrowsAsync<RpcException>(() => unversionedOnly.CallAsync());
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Contains("version '9'", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calls_ProviderKilled_NoFailedCallAndItLeavesWithinItsTtl()
    {
        await StartProvidersAsync("p1", "p2");
        using var doomed = await ProcessProvider.StartAsync(_registry, "doomed", s_leaseTtl);
        var consumer = Own(await TestConsumer.StartAsync(_registry.Url));
        await Poll.UntilAsync(async () => (await consumer.Client.ResolveAsync("greet.Greeter")).Count == 3, "three instances are resolved");
        // Several loops, so calls are in flight on the doomed instance when it dies.
        var loops = Enumerable.Range(0, 4).Select(_ => consumer.StartLoop(TimeSpan.FromMilliseconds(1))).ToArray();
        await Poll.UntilAsync(() => loops.Any(l => l.Answers.Any(a => a.Instance == "greeter/doomed")), "the doomed instance serves calls");

        doomed.Kill();
        var killedAt = DateTime.UtcNow;
        await Poll.UntilAsync(async () => (await consumer.Client.ResolveAsync("greet.Greeter")).All(e => e.InstanceId != "doomed"), "the killed instance leaves the resolved set");
        var gone = DateTime.UtcNow - killedAt;
        var countAtRemoval = loops.Sum(l => l.Count);
        await Poll.UntilAsync(() => loops.Sum(l => l.Count) >= countAtRemoval + 50, "calls continue after the removal");
        foreach (var loop in loops)
        {
            await loop.DisposeAsync();
        }

        Assert.Empty(loops.SelectMany(l => l.Failures));
        // The lease lapses at most one TTL after its last renewal; allow the sweep interval and scheduling.
        Assert.True(gone < s_leaseTtl + TimeSpan.FromSeconds(1), $"removed after {gone}");
    }

    [Fact]
    public async Task Calls_NewProviderJoins_GetsCallsWithinOneSecondOfRegistering()
    {
        await StartProvidersAsync("p1", "p2");
        var consumer = Own(await TestConsumer.StartAsync(_registry.Url));
        await using var loop = consumer.StartLoop(TimeSpan.FromMilliseconds(5));
        await Poll.UntilAsync(() => loop.Count > 20, "calls flow");

        var joining = Own(await TestProvider.StartAsync(_registry.Url, "p-new"));
        await joining.WaitRegisteredAsync(_registry);
        var registeredAt = DateTime.UtcNow;
        await Poll.UntilAsync(() => loop.Answers.Any(a => a.Instance == "p-new"), "the new provider gets calls", TimeSpan.FromSeconds(5));

        var first = loop.Answers.First(a => a.Instance == "p-new").At;
        Assert.True(first - registeredAt < TimeSpan.FromSeconds(1), $"first call {first - registeredAt} after registering");
        Assert.Empty(loop.Failures);
    }

    [Fact]
    public async Task Calls_RegistryStopped_Continue()
    {
        await StartProvidersAsync("p1", "p2", "p3");
        var consumer = Own(await TestConsumer.StartAsync(_registry.Url));
        await using var loop = consumer.StartLoop(TimeSpan.FromMilliseconds(5));
        await Poll.UntilAsync(() => loop.Count > 20, "calls flow");

        await _registry.StopAsync();
        var countAtStop = loop.Count;
        await Poll.UntilAsync(() => loop.Count >= countAtStop + 100, "calls continue without the registry");

        Assert.Empty(loop.Failures);
        Assert.Equal(3, loop.Answers.Skip(countAtStop).Select(a => a.Instance).Distinct().Count());
    }

    [Fact]
    public async Task Calls_RegistryRestartedEmpty_ClientReconnectsAndKeepsFollowingChanges()
    {
        await StartProvidersAsync("p1", "p2");
        var consumer = Own(await TestConsumer.StartAsync(_registry.Url));
        using var reconnects = new MetricCollector<long>(consumer.Client.Metrics.Meter, "introspection.client.watch.reconnects");
        await using var loop = consumer.StartLoop(TimeSpan.FromMilliseconds(5));
        await Poll.UntilAsync(() => loop.Count > 20, "calls flow");

        // The in-memory registry comes back empty: the client reconnects, empty protection holds the list until
        // the providers re-register (their renewals get NOT_FOUND), and later changes flow again.
        var stopped = _registry;
        await stopped.DisposeAsync();
        _registry = await stopped.StartAgainAsync();
        await Poll.UntilAsync(() => reconnects.Total() > 0, "the client noticed the outage");
        var joining = Own(await TestProvider.StartAsync(_registry.Url, "p3"));
        await joining.WaitRegisteredAsync(_registry);
        await Poll.UntilAsync(() => loop.Answers.Any(a => a.Instance == "p3"), "the provider registered after the restart gets calls");

        Assert.Empty(loop.Failures);
    }

    [Fact]
    public async Task Calls_ClientRestartedWhileRegistryDown_StartFromSnapshot()
    {
        await StartProvidersAsync("p1", "p2");
        var snapshot = TestClients.NewSnapshotPath();
        await using (var first = await TestConsumer.StartAsync(_registry.Url, configure: o => o.SnapshotPath = snapshot))
        {
            await first.CallAsync();
            await Poll.UntilAsync(() => File.Exists(snapshot), "the snapshot is written");
        }

        await _registry.StopAsync();
        var restarted = Own(await TestConsumer.StartAsync(_registry.Url, configure: o =>
        {
            o.SnapshotPath = snapshot;
            o.Services.Add("greet.Greeter");
        }));

        var answered = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            answered.Add(await restarted.CallAsync());
        }

        Assert.Equal(["p1", "p2"], answered.Order());
    }

    [Fact]
    public async Task Calls_ClientRestartedWhileRegistryDownWithoutSnapshot_FailWithServiceNotDiscovered()
    {
        await _registry.StopAsync();
        var consumer = Own(await TestConsumer.StartAsync(_registry.Url, configure: o => o.EnableSnapshot = false));

        var ex = await Assert.ThrowsAsync<RpcException>(() => consumer.CallAsync());

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        // The call failed in the channel (its resolver reported the error): the kind travels in the status.
        Assert.Equal(IntrospectionErrorKind.ServiceNotDiscovered, IntrospectionErrors.GetKind(ex));
        Assert.Contains("'greet.Greeter'", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_ProviderAnswersWrongRevision_MetadataIsNotCached()
    {
        var liar = Own(await TestProvider.StartAsync(_registry.Url, "z-liar", tamperMetadata: true));
        await liar.WaitRegisteredAsync(_registry);
        var consumer = Own(await TestConsumer.StartAsync(_registry.Url, services: s => s.AddSingleton<IRandomSource>(new ZeroRandom())));
        using var rejected = new MetricCollector<long>(consumer.Client.Metrics.Meter, "introspection.client.metadata.fetches");

        // Only the liar has the revision: nothing is cached, so nothing is routed.
        var ex = await Assert.ThrowsAsync<RpcException>(() => consumer.CallAsync());
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.True(rejected.Total("introspection.result", "rejected") >= 1);

        // An honest instance of the same build joins: its answer is verified and cached (the liar, asked again by
        // the background retry or first by the random pick, keeps being rejected).
        var honest = Own(await TestProvider.StartAsync(_registry.Url, "a-honest"));
        await honest.WaitRegisteredAsync(_registry);
        await Poll.UntilAsync(async () =>
        {
            try
            {
                return (await consumer.Client.ResolveAsync("greet.Greeter")).Count == 2;
            }
            catch (RpcException)
            {
                return false;
            }
        }, "the honest metadata is cached");

        Assert.True(Volatile.Read(ref honest.Counters.MetadataCalls) >= 1);
        var backdoor = await Assert.ThrowsAsync<RpcException>(() => consumer.Client.ResolveAsync("evil.Backdoor").AsTask().WaitAsync(TestTimeouts.Call));
        Assert.Equal(StatusCode.Unavailable, backdoor.StatusCode);
    }

    [Fact]
    public async Task Start_EagerServiceDiscovered_Succeeds()
    {
        await StartProvidersAsync("p1");
        var consumer = Own(await TestConsumer.StartAsync(_registry.Url, configure: o => o.Services.Add("greet.Greeter")));

        Assert.Equal("p1", await consumer.CallAsync());
    }

    [Fact]
    public async Task Start_EagerServiceNotDiscovered_FailsNamingTheService()
    {
        await StartProvidersAsync("p1");

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => TestConsumer.StartAsync(_registry.Url, configure: o => o.Services.Add("greet.Missing")));

        Assert.Contains("greet.Missing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calls_HandMadeChannelWithServiceProvider_ResolveLazilyThroughRegistry()
    {
        await StartProvidersAsync("p1", "p2");
        var services = new ServiceCollection().AddIntrospectionClient(o =>
        {
            o.Registries.Add(_registry.Url);
            o.EnableSnapshot = false;
        });
        await using var provider = services.BuildServiceProvider();
        using var channel = GrpcChannel.ForAddress("introspect:///greet.Greeter", new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Insecure,
            ServiceProvider = provider,
        });
        var greeter = new Greeter.Contracts.Greeter.GreeterClient(channel);

        var answered = new HashSet<string>();
        for (var i = 0; i < 10; i++)
        {
            answered.Add((await greeter.SayHelloAsync(new Greeter.Contracts.HelloRequest(), deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync.WaitAsync(TestTimeouts.Call)).Instance);
        }

        // round_robin comes from the resolver's service config even without channel-level configuration.
        Assert.Equal(["p1", "p2"], answered.Order());
    }

    [Fact]
    public async Task Channel_BadIntrospectUri_FailsWithClearError()
    {
        var services = new ServiceCollection().AddIntrospectionClient(o => o.Registries.Add(_registry.Url));
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => GrpcChannel.ForAddress("introspect://greet.Greeter", new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Insecure,
            ServiceProvider = provider,
        }));

        Assert.Contains("three slashes", ex.Message, StringComparison.Ordinal);
    }

    private T Own<T>(T disposable) where T : IAsyncDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    private Task<TestProvider[]> StartProvidersAsync(params string[] instanceIds) => StartVersionedProvidersAsync(null, instanceIds);

    private async Task<TestProvider[]> StartVersionedProvidersAsync(string? greeterVersion, params string[] instanceIds)
    {
        var providers = await Task.WhenAll(instanceIds.Select(id => TestProvider.StartAsync(_registry.Url, id, greeterVersion: greeterVersion)));
        foreach (var provider in providers)
        {
            Own(provider);
        }

        foreach (var provider in providers)
        {
            await provider.WaitRegisteredAsync(_registry);
        }

        return providers;
    }
}
