using Grpc.Core;
using Introspection.Client.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Introspection.Client.Tests.Functional;

/// <summary>
/// Discovery under faults (issue #10), everything real: a registry restarted empty, a registry that accepts
/// connections and never answers, a provider that hangs (SIGSTOP) under load.
/// </summary>
public sealed class ReliabilityTests : IAsyncLifetime
{
    private static readonly Protocol.Metadata.V1.MetadataInfo s_ordersV1 = TestMetadata.Create("orders", ("shop.Orders", "", "1"));
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
    public async Task Resolve_RegistryRestartedEmptyOnTheSamePort_NeverResolvesToNothing()
    {
        // The providers register with a registry of their own; the test copies their instances into the consumer's
        // registry, so that after its restart it can replay what a provider does, with time in between: Register
        // first, MapService after (the window in which the restarted registry lists the instances but no mapping).
        await using var side = await RegistryHost.StartAsync();
        foreach (var id in new[] { "p1", "p2" })
        {
            var provider = Own(await TestProvider.StartAsync(side.Url, id));
            await provider.WaitRegisteredAsync(side);
        }

        var instances = await side.InstancesAsync("greeter");
        foreach (var instance in instances)
        {
            await _registry.RegisterAsync("greeter", instance.InstanceId, instance.Host, instance.Port, instance.Revision, ["greet.Greeter"]);
        }

        var consumer = Own(await TestConsumer.StartAsync(_registry.Url));
        using var opens = new MetricCollector<long>(consumer.Client.Metrics.Meter, "introspection.client.watch.streams");
        var target = new ServiceTarget("greet.Greeter");
        Assert.Equal(2, (await consumer.Client.ResolveAsync(target).AsTask().WaitAsync(TestTimeouts.Call)).Count);
        var published = new List<ServiceResolution>();
        using var subscription = consumer.Client.Subscribe(target, r =>
        {
            lock (published)
            {
                published.Add(r);
            }
        });

        // Resolve continuously, as channels being created and ResolveAsync users do.
        var failures = new List<string>();
        var resolves = 0;
        using var stop = new CancellationTokenSource();
        var resolving = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var count = (await consumer.Client.ResolveAsync(target)).Count;
                    if (count is not (1 or 2))
                    {
                        lock (failures)
                        {
                            failures.Add($"{count} endpoints");
                        }
                    }
                }
                catch (RpcException ex)
                {
                    lock (failures)
                    {
                        failures.Add(ex.Status.Detail);
                    }
                }

                Interlocked.Increment(ref resolves);
                await Task.Delay(1);
            }
        });

        var opensBefore = opens.Total();
        var stopped = _registry;
        await stopped.DisposeAsync();
        _registry = await stopped.StartAgainAsync();
        await Poll.UntilAsync(() => opens.Total() > opensBefore, "the client watches the restarted registry (a reset snapshot: nothing registered, nothing mapped)");
        await WhileResolvingAsync();

        foreach (var instance in instances)
        {
            var register = new Protocol.Registry.V1.RegisterRequest { Instance = instance.Clone(), TtlMs = 300_000 };
            await _registry.Client.RegisterAsync(register).ResponseAsync.WaitAsync(TestTimeouts.Call);
        }

        await WhileResolvingAsync();
        var map = new Protocol.Registry.V1.MapServiceRequest { App = "greeter" };
        map.Services.Add("greet.Greeter");
        await _registry.Client.MapServiceAsync(map).ResponseAsync.WaitAsync(TestTimeouts.Call);
        await WhileResolvingAsync();
        stop.Cancel();
        await resolving.WaitAsync(TestTimeouts.Short);

        // While the providers re-register one by one the registry truly lists p1 before p2, and the first change
        // after a quiet period is pushed at once: one endpoint is a true view then. Never none, never an error.
        lock (published)
        {
            Assert.All(published, r =>
            {
                Assert.Equal(StatusCode.OK, r.Status.StatusCode);
                Assert.InRange(r.Endpoints.Count, 1, 2);
            });
            Assert.Equal(2, published[^1].Endpoints.Count);
        }

        Assert.Empty(failures);
        Assert.Equal(2, (await consumer.Client.ResolveAsync(target)).Count);

        async Task WhileResolvingAsync()
        {
            // Long enough for the client to apply what the registry pushed (coalesced within 20 ms) and be asked.
            var then = Volatile.Read(ref resolves);
            await Task.Delay(300);
            await Poll.UntilAsync(() => Volatile.Read(ref resolves) > then + 20, "resolution continues");
        }
    }

    [Fact]
    public async Task Call_ConsumerRestartedWhileTheRegistryHangs_IsServedFromTheSnapshotWithinItsDeadline()
    {
        var provider = Own(await TestProvider.StartAsync(_registry.Url, "p1"));
        await provider.WaitRegisteredAsync(_registry);
        var snapshot = TestClients.NewSnapshotPath();
        await using (var first = await TestConsumer.StartAsync(_registry.Url, configure: o => o.SnapshotPath = snapshot))
        {
            await first.CallAsync();
            await Poll.UntilAsync(() => File.Exists(snapshot), "the snapshot is written");
        }

        // The registry accepts connections and never answers: nothing fails before the registry call timeout.
        using var hung = new HungRegistry();
        var registryCallTimeout = TimeSpan.FromSeconds(5);
        var restarted = Own(await TestConsumer.StartAsync(hung.Url, configure: o =>
        {
            o.SnapshotPath = snapshot;
            o.RegistryCallTimeout = registryCallTimeout;
            o.ResolveTimeout = TimeSpan.FromSeconds(10);
        }));

        var started = System.Diagnostics.Stopwatch.StartNew();
        var reply = await restarted.Greeter.SayHelloAsync(new Greeter.Contracts.HelloRequest { Name = "test" }, deadline: DateTime.UtcNow.AddSeconds(5)).ResponseAsync.WaitAsync(TestTimeouts.Call);
        var elapsed = started.Elapsed;

        Assert.Equal("p1", reply.Instance);
        Assert.True(hung.Accepted > 0, "the client did connect to the hung registry");
        // Served after the snapshot grace (1 s by default), well before the registry call timeout.
        Assert.True(elapsed < registryCallTimeout - TimeSpan.FromSeconds(2), $"answered after {elapsed}");
    }

    [Fact]
    public async Task ResolveAsync_ClientRestartedWhileTheRegistryHangs_AnswersFromTheSnapshotAfterTheGrace()
    {
        await _registry.RegisterAsync("orders", "o1", "10.0.0.1", 5001, s_ordersV1.Revision, ["shop.Orders"]);
        var fetcher = new FakeMetadataFetcher();
        fetcher.Add(s_ordersV1);
        var snapshot = TestClients.NewSnapshotPath();
        await using (var first = TestClients.Create(_registry.Url, fetcher, o => o.SnapshotPath = snapshot))
        {
            Assert.Single(await first.ResolveAsync("shop.Orders").AsTask().WaitAsync(TestTimeouts.Call));
            await Poll.UntilAsync(() => File.Exists(snapshot), "the snapshot is written");
        }

        using var hung = new HungRegistry();
        await using var restarted = TestClients.Create(hung.Url, new FakeMetadataFetcher(), o =>
        {
            o.SnapshotPath = snapshot;
            o.RegistryCallTimeout = TimeSpan.FromSeconds(5);
            o.ResolveTimeout = TimeSpan.FromSeconds(10);
            o.SnapshotGracePeriod = TimeSpan.FromMilliseconds(500);
        });

        var started = System.Diagnostics.Stopwatch.StartNew();
        var endpoints = await restarted.ResolveAsync("shop.Orders").AsTask().WaitAsync(TestTimeouts.Call);
        var elapsed = started.Elapsed;

        Assert.Equal("o1", Assert.Single(endpoints).InstanceId);
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(450), $"answered after {elapsed}: the live view was not given its grace");
        Assert.True(elapsed < TimeSpan.FromSeconds(2.5), $"answered after {elapsed}");
    }

    private const int Callers = 20;

    [Fact]
    public async Task Calls_ProviderHangsUnderLoad_KeepAliveMovesCallsToTheOtherWithinTheBound()
    {
        // Short pings keep the test short; the lease is long, so only the pings can get the client off the hung
        // provider within the test (its lease would lapse only after 30 s).
        var pingDelay = TimeSpan.FromSeconds(1);
        var pingTimeout = TimeSpan.FromSeconds(1);
        // SocketsHttpHandler checks its keep-alive timers about once a second: allow two of those ticks and
        // scheduling on a loaded 2-core machine (measured here: the last held call is released after 3.8-4.0 s).
        var bound = pingDelay + pingTimeout + TimeSpan.FromSeconds(3.5);
        using var healthy = await ProcessProvider.StartAsync(_registry, "healthy", TimeSpan.FromSeconds(30));
        using var hung = await ProcessProvider.StartAsync(_registry, "hung", TimeSpan.FromSeconds(30));
        try
        {
            var consumer = Own(await TestConsumer.StartAsync(_registry.Url, configure: o =>
            {
                o.ProviderKeepAlivePingDelay = pingDelay;
                o.ProviderKeepAlivePingTimeout = pingTimeout;
            }));
            await Poll.UntilAsync(async () => (await consumer.Client.ResolveAsync("greet.Greeter")).Count == 2, "both providers are resolved");

            var calls = new List<(DateTime Start, TimeSpan Took, string? Instance, StatusCode Status)>();
            using var stop = new CancellationTokenSource();
            var callers = Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var start = DateTime.UtcNow;
                    string? instance = null;
                    var status = StatusCode.OK;
                    try
                    {
                        var reply = await consumer.Greeter.SayHelloAsync(new Greeter.Contracts.HelloRequest { Name = "load" }, deadline: start.AddSeconds(10));
                        instance = reply.Instance;
                    }
                    catch (RpcException ex)
                    {
                        status = ex.StatusCode;
                    }

                    lock (calls)
                    {
                        calls.Add((start, DateTime.UtcNow - start, instance, status));
                    }

                    await Task.Delay(5);
                }
            })).ToArray();
            await Poll.UntilAsync(() =>
            {
                lock (calls)
                {
                    return calls.Any(c => c.Instance == "greeter/hung") && calls.Any(c => c.Instance == "greeter/healthy");
                }
            }, "both providers serve calls");

            hung.Freeze();
            var frozenAt = DateTime.UtcNow;
            await Task.Delay(bound + TimeSpan.FromSeconds(3));
            stop.Cancel();
            hung.Thaw();
            await Task.WhenAll(callers).WaitAsync(TestTimeouts.Long);

            (DateTime Start, TimeSpan Took, string? Instance, StatusCode Status)[] all;
            lock (calls)
            {
                all = calls.Where(c => c.Start >= frozenAt - TimeSpan.FromSeconds(1)).ToArray();
            }

            var late = TimeSpan.FromSeconds(1);
            var failed = all.Count(c => c.Status != StatusCode.OK);
            var slow = all.Count(c => c.Status == StatusCode.OK && c.Took > late);
            var afterBound = all.Where(c => c.Start >= frozenAt + bound).ToArray();
            var summary = $"{all.Length} calls from 1 s before the freeze: {failed} failed, {slow} later than {late.TotalSeconds} s " +
                $"(max {all.Max(c => c.Took).TotalSeconds:0.00} s); {afterBound.Length} started after the bound of {bound.TotalSeconds} s: " +
                $"{afterBound.Count(c => c.Status != StatusCode.OK || c.Instance != "greeter/healthy" || c.Took > late)} not answered promptly by the healthy provider";
            Console.WriteLine(summary);

            Assert.True(afterBound.Length > 100, summary);
            // In-flight calls on the hung provider fail at the ping timeout before any header: retried elsewhere.
            Assert.True(failed == 0, summary);
            Assert.All(afterBound, c => Assert.True(c.Status == StatusCode.OK && c.Instance == "greeter/healthy" && c.Took <= late, summary));
            // Late calls are the ones caught on the hung connection when it froze (one per caller) and, on a loaded
            // machine, a caller's next call that the balancer picked before the failed ping was seen: at most two
            // per caller, each released within the bound. After that the endpoint is suspended (asserted above).
            Assert.True(slow <= 2 * Callers, summary);
            Assert.True(all.Max(c => c.Took) <= bound, summary);
        }
        finally
        {
            hung.Thaw();
        }
    }

    private T Own<T>(T disposable)
        where T : IAsyncDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }
}
