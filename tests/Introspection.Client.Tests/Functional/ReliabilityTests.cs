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
        using var opens = new MetricCollector<long>(consumer.Client.Metrics.Meter, "introspection.client.watch.opens");
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
                    if (count != 2)
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

        lock (published)
        {
            Assert.All(published, r => Assert.Equal((StatusCode.OK, 2), (r.Status.StatusCode, r.Endpoints.Count)));
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

    private T Own<T>(T disposable)
        where T : IAsyncDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }
}
