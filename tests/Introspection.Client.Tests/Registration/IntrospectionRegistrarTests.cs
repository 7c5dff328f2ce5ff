using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Grpc.Core;
using Introspection.Client.Tests.Connection;
using Introspection.Client.Tests.Infrastructure;
using Introspection.Protocol.Registry.V1;
using Introspection.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Introspection.Client.Tests.Registration;

/// <summary>The registration API used the way a console app or sidecar uses it: no host, no DI, a real registry.</summary>
public sealed class IntrospectionRegistrarTests
{
    private const string App = "legacy-billing";
    private static readonly string R1 = new('1', 64);
    private static readonly string R2 = new('2', 64);

    [Fact]
    public async Task AddUpdateDelete_ConsoleStyle_VisibleThroughListAndWatch()
    {
        await using var registry = await RegistryHost.StartAsync();
        using var watchCts = new CancellationTokenSource(TestTimeouts.Condition * 2);
        using var watch = registry.Client.Watch(new WatchRequest { Apps = { App } }, cancellationToken: watchCts.Token);
        Assert.True(await watch.ResponseStream.MoveNext(watchCts.Token).WaitAsync(TestTimeouts.Call));
        Assert.Equal(WatchResponseKind.Snapshot, watch.ResponseStream.Current.Kind);
        var observer = new CountingObserver();
        await using var registrar = new IntrospectionRegistrar(Options(registry.Url, o => o.Observer = observer));

        await using var lease = registrar.AddEndpoint(Endpoint(R1));
        await lease.Registered.WaitAsync(TestTimeouts.Call);

        var instance = Assert.Single(await ListAsync(registry));
        Assert.Equal(("10.0.0.7", 8080, R1, "eu-1"), (instance.Host, instance.Port, instance.Revision, instance.Labels["zone"]));
        Assert.Equal([App], (await registry.Client.LookupServiceAsync(new LookupServiceRequest { Service = "billing.Invoices" }).ResponseAsync.WaitAsync(TestTimeouts.Call)).Apps);
        var put = await NextEventAsync(watch, WatchEventType.Put, watchCts.Token);
        Assert.Equal(R1, put.Instance.Revision);
        var status = Assert.Single(lease.Registries);
        Assert.True(status.IsRegistered);
        Assert.True(status.IsHealthy);
        Assert.NotNull(status.LastAccepted);
        Assert.NotEqual(0, status.LeaseId);
        Assert.True(observer.Registered >= 1);

        await lease.UpdateAsync(lease.Instance with { Revision = R2, Labels = new Dictionary<string, string> { ["zone"] = "eu-2" } }).WaitAsync(TestTimeouts.Call);

        instance = Assert.Single(await ListAsync(registry));
        Assert.Equal((R2, "eu-2"), (instance.Revision, instance.Labels["zone"]));
        Assert.Equal(R2, (await NextEventAsync(watch, WatchEventType.Put, watchCts.Token)).Instance.Revision);

        // Renewals keep it alive past its TTL (1 s, renewed every ~333 ms).
        await Poll.UntilAsync(() => observer.Renewed >= 4, "the lease is renewed repeatedly");
        Assert.Single(await ListAsync(registry));

        var removed = await lease.DeleteAsync().WaitAsync(TestTimeouts.Call);

        Assert.Equal(1, removed);
        Assert.Empty(await ListAsync(registry));
        Assert.Equal(WatchEventType.Delete, (await NextEventAsync(watch, WatchEventType.Delete, watchCts.Token)).Type);
        Assert.False(status.IsRegistered);
    }

    [Fact]
    public async Task Registered_MapServicePending_CompletesOnlyOnceTheServicesAreMapped()
    {
        await using var registry = await GatedMappingRegistry.StartAsync();
        // A call deadline well past the wait below: a MapService that timed out would complete Registered too.
        await using var registrar = new IntrospectionRegistrar(Options(registry.Url, o => o.RegistryCallTimeout = TimeSpan.FromSeconds(30)));

        await using var lease = registrar.AddEndpoint(Endpoint(R1));
        await registry.MappingAsked.WaitAsync(TestTimeouts.Call);

        // Registered with a lease, but not yet findable by service: startup must not be told it is.
        Assert.True(lease.IsRegistered);
        await Task.Delay(300);
        Assert.False(lease.Registered.IsCompleted);
        registry.Open();
        await lease.Registered.WaitAsync(TestTimeouts.Call);
        Assert.Equal(1, registry.MappingsAccepted);
    }

    [Fact]
    public async Task Registered_MapServiceFails_StillCompletes()
    {
        await using var registry = await GatedMappingRegistry.StartAsync();
        await using var registrar = new IntrospectionRegistrar(Options(registry.Url));

        await using var lease = registrar.AddEndpoint(Endpoint(R1));
        await registry.MappingAsked.WaitAsync(TestTimeouts.Call);
        registry.Open(StatusCode.Unavailable);

        // A registry that cannot map right now does not hold the provider's startup; the mapping is retried.
        await lease.Registered.WaitAsync(TestTimeouts.Call);
        Assert.True(lease.IsRegistered);
        Assert.Equal(0, registry.MappingsAccepted);
    }

    [Fact]
    public async Task RegistryRestarted_LeaseNotFound_RegisteredAgainWithItsServices()
    {
        var registry = await RegistryHost.StartAsync();
        try
        {
            await using var registrar = new IntrospectionRegistrar(Options(registry.Url));
            await using var lease = registrar.AddEndpoint(Endpoint(R1));
            await lease.Registered.WaitAsync(TestTimeouts.Call);
            var firstLease = lease.Registries[0].LeaseId;

            await registry.StopAsync();
            registry = await registry.StartAgainAsync();

            await Poll.UntilAsync(async () => (await ListAsync(registry)).Count == 1, "the instance is registered with the restarted registry");
            await Poll.UntilAsync(async () => (await registry.Client.LookupServiceAsync(new LookupServiceRequest { Service = "billing.Invoices" }).ResponseAsync).Apps.Count == 1, "its services are mapped again");
            await Poll.UntilAsync(() => lease.Registries[0].ConsecutiveFailures == 0 && lease.Registries[0].IsRegistered, "the status recovers");
            Assert.NotEqual(firstLease, lease.Registries[0].LeaseId);
        }
        finally
        {
            await registry.DisposeAsync();
        }
    }

    [Fact]
    public async Task AddEndpoint_FirstNodeOfTheEntryDown_RegistersThroughTheSecond()
    {
        await using var registry = await RegistryHost.StartAsync();
        var deadNode = $"http://127.0.0.1:{FreePort.Get()}";
        await using var registrar = new IntrospectionRegistrar(Options($"{deadNode},{registry.Url}"));

        await using var lease = registrar.AddEndpoint(Endpoint(R1));
        await lease.Registered.WaitAsync(TestTimeouts.Condition);

        Assert.Single(await ListAsync(registry));
        Assert.Equal($"{deadNode},{registry.Url}", lease.Registries[0].Registry);
    }

    [Fact]
    public async Task KeepAlive_NodeStops_RenewsThroughTheOtherNodeOfTheRegistry()
    {
        await using var redis = await RedisServer.StartAsync();
        var prefix = "reg-" + Guid.NewGuid().ToString("N");
        var nodeA = await RegistryHost.StartOnRedisAsync(redis, prefix);
        await using var nodeB = await RegistryHost.StartOnRedisAsync(redis, prefix);
        try
        {
            var observer = new CountingObserver();
            await using var registrar = new IntrospectionRegistrar(Options($"{nodeA.Url},{nodeB.Url}", o => o.Observer = observer));
            await using var lease = registrar.AddEndpoint(Endpoint(R1));
            await lease.Registered.WaitAsync(TestTimeouts.Call);

            await nodeA.StopAsync();
            var renewedBefore = observer.Renewed;

            await Poll.UntilAsync(() => observer.Renewed >= renewedBefore + 3 && lease.Registries[0].ConsecutiveFailures == 0, "renewals continue through node B");
            Assert.Single(await ListAsync(nodeB));
        }
        finally
        {
            await nodeA.DisposeAsync();
        }
    }

    [Fact]
    public async Task AddEndpoint_TwoRegistries_RegisteredWithBothAndCountedOnTheMeter()
    {
        await using var first = await RegistryHost.StartAsync();
        await using var second = await RegistryHost.StartAsync();
        var registrations = new ConcurrentBag<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == IntrospectionRegistrar.MeterName && instrument.Name == "introspection.registrar.registrations")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) => registrations.Add((string)tags[0].Value!));
        listener.Start();
        var options = Options(first.Url);
        options.Registries.Add(second.Url);
        await using var registrar = new IntrospectionRegistrar(options);

        await using var lease = registrar.AddEndpoint(Endpoint(R1));

        await Poll.UntilAsync(() => lease.Registries.All(r => r.IsRegistered), "registered with both");
        Assert.Single(await ListAsync(first));
        Assert.Single(await ListAsync(second));
        Assert.Equal(2, await lease.DeleteAsync().WaitAsync(TestTimeouts.Call));
        Assert.Contains(first.Url, registrations);
        Assert.Contains(second.Url, registrations);
    }

    [Fact]
    public async Task AddIntrospectionRegistrar_CalledTwice_OneRegistrarFromOptions()
    {
        await using var registry = await RegistryHost.StartAsync();
        var services = new ServiceCollection();
        services.AddIntrospectionRegistrar(o => o.Registries.Add(registry.Url));
        services.AddIntrospectionRegistrar();
        await using var provider = services.BuildServiceProvider();

        var registrar = provider.GetRequiredService<IntrospectionRegistrar>();
        await using var lease = registrar.AddEndpoint(Endpoint(R1));
        await lease.Registered.WaitAsync(TestTimeouts.Call);

        Assert.Same(registrar, provider.GetRequiredService<IntrospectionRegistrar>());
        Assert.Single(await ListAsync(registry));
    }

    [Fact]
    public async Task Status_RegistryUnreachable_UnhealthyAfterTheThresholdWithTheLastError()
    {
        var deadNode = $"http://127.0.0.1:{FreePort.Get()}";
        var observer = new CountingObserver();
        await using var registrar = new IntrospectionRegistrar(Options(deadNode, o =>
        {
            o.UnhealthyAfterFailures = 2;
            o.Observer = observer;
        }));

        await using var lease = registrar.AddEndpoint(Endpoint(R1));

        var status = lease.Registries[0];
        await Poll.UntilAsync(() => !status.IsHealthy, "the registration turns unhealthy");
        Assert.False(status.IsRegistered);
        Assert.False(lease.IsRegistered);
        Assert.Null(status.LastAccepted);
        Assert.True(status.ConsecutiveFailures >= 2);
        Assert.StartsWith(deadNode, status.LastError, StringComparison.Ordinal);
        Assert.True(observer.Failed >= 2);
        Assert.False(lease.Registered.IsCompleted);
    }

    [Fact]
    public async Task AddEndpoint_TtlBelowTheRegistryMinimum_RenewsEveryThirdOfTheGrantedTtl()
    {
        await using var registry = await RegistryHost.StartAsync();
        // The test registry's minimum TTL is 1 s: it grants that instead of the 100 ms asked.
        await using var registrar = new IntrospectionRegistrar(Options(registry.Url, o => o.LeaseTtl = TimeSpan.FromMilliseconds(100)));

        await using var lease = registrar.AddEndpoint(Endpoint(R1));
        await lease.Registered.WaitAsync(TestTimeouts.Call);

        Assert.Equal(TimeSpan.FromMilliseconds(333), lease.Registries[0].RenewInterval);
    }

    [Fact]
    public void Constructor_NoRegistries_ThrowsNamingTheKey()
    {
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new IntrospectionRegistrar(new IntrospectionRegistrarOptions()));

        Assert.Contains("Registries", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateAsync_IdentityChanged_Throws()
    {
        await using var registrar = new IntrospectionRegistrar(Options($"http://127.0.0.1:{FreePort.Get()}"));
        await using var lease = registrar.AddEndpoint(Endpoint(R1));

        await Assert.ThrowsAsync<ArgumentException>(() => lease.UpdateAsync(lease.Instance with { Port = 9999 })).WaitAsync(TestTimeouts.Call);
    }

    private static IntrospectionRegistrarOptions Options(string registry, Action<IntrospectionRegistrarOptions>? configure = null)
    {
        var options = new IntrospectionRegistrarOptions
        {
            LeaseTtl = TimeSpan.FromSeconds(1),
            RegistryCallTimeout = TimeSpan.FromSeconds(2),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
        };
        options.Registries.Add(registry);
        configure?.Invoke(options);
        return options;
    }

    private static InstanceRegistration Endpoint(string revision) => new()
    {
        App = App,
        InstanceId = "billing-1",
        Host = "10.0.0.7",
        Port = 8080,
        Revision = revision,
        Labels = new Dictionary<string, string> { ["zone"] = "eu-1" },
        Services = ["billing.Invoices"],
    };

    private static async Task<IReadOnlyList<Instance>> ListAsync(RegistryHost registry) =>
        (await registry.Client.ListInstancesAsync(new ListInstancesRequest { App = App }).ResponseAsync.WaitAsync(TestTimeouts.Call)).Instances;

    private static async Task<WatchEvent> NextEventAsync(AsyncServerStreamingCall<WatchResponse> watch, WatchEventType type, CancellationToken cancellationToken)
    {
        while (await watch.ResponseStream.MoveNext(cancellationToken).WaitAsync(TestTimeouts.Condition))
        {
            if (watch.ResponseStream.Current.Events.FirstOrDefault(e => e.Type == type) is { } match)
            {
                return match;
            }
        }

        throw new InvalidOperationException("The watch ended.");
    }

    private sealed class CountingObserver : IRegistrationObserver
    {
        private int _registered;
        private int _renewed;
        private int _failed;

        public int Registered => Volatile.Read(ref _registered);

        public int Renewed => Volatile.Read(ref _renewed);

        public int Failed => Volatile.Read(ref _failed);

        public void OnRegistered(string registry) => Interlocked.Increment(ref _registered);

        public void OnRenewed(string registry) => Interlocked.Increment(ref _renewed);

        public void OnRenewalFailed(string registry) => Interlocked.Increment(ref _failed);
    }
}
