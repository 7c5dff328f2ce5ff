namespace Introspection.Client.Tests.Sources;

/// <summary>
/// Registries split by business: one consumer takes greet.Greeter from the "core" registry and greet.Farewell from the
/// "noncore" one (two real registries, two real providers that each serve both services).
/// </summary>
public sealed class RegistryGroupTests : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];
    private RegistryHost _core = null!;
    private RegistryHost _noncore = null!;

    public async Task InitializeAsync()
    {
        _core = await RegistryHost.StartAsync();
        _noncore = await RegistryHost.StartAsync();
    }

    public async Task DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        await _noncore.DisposeAsync();
        await _core.DisposeAsync();
    }

    [Fact]
    public async Task Call_TwoRegistryGroups_EachServiceFromItsOwnRegistry()
    {
        Own(await SourceTestProvider.StartAsync("orders", "core-1", [_core.Url]));
        Own(await SourceTestProvider.StartAsync("mailer", "noncore-1", [_noncore.Url]));
        await WaitRegisteredAsync(_core, "orders", "core-1");
        await WaitRegisteredAsync(_noncore, "mailer", "noncore-1");
        var consumer = Own(await SourceTestConsumer.StartAsync(Configure));

        Assert.Equal("core-1", await consumer.GreetAsync());
        Assert.Equal("noncore-1", await consumer.FarewellAsync());
        var greeter = Assert.Single(await consumer.Client.ResolveAsync("greet.Greeter").AsTask().WaitAsync(TestTimeouts.Call));
        var farewell = Assert.Single(await consumer.Client.ResolveAsync("greet.Farewell").AsTask().WaitAsync(TestTimeouts.Call));
        Assert.Equal(("orders", "mailer"), (greeter.App, farewell.App));
    }

    [Fact]
    public async Task Call_NoncoreRegistryDown_CoreServiceStillFollowsItsRegistry()
    {
        Own(await SourceTestProvider.StartAsync("orders", "core-1", [_core.Url]));
        Own(await SourceTestProvider.StartAsync("mailer", "noncore-1", [_noncore.Url]));
        await WaitRegisteredAsync(_core, "orders", "core-1");
        await WaitRegisteredAsync(_noncore, "mailer", "noncore-1");
        var consumer = Own(await SourceTestConsumer.StartAsync(Configure));
        Assert.Equal("core-1", await consumer.GreetAsync());
        Assert.Equal("noncore-1", await consumer.FarewellAsync());

        await _noncore.StopAsync();
        var second = Own(await SourceTestProvider.StartAsync("orders", "core-2", [_core.Url]));

        // The core group's watch is its own: a new core instance arrives although the other registry is gone.
        await Poll.UntilAsync(async () => (await consumer.Client.ResolveAsync("greet.Greeter")).Any(e => e.InstanceId == "core-2"), "core-2 is discovered");
        // The non-core service keeps its cached instance (the notes' registry-outage behaviour).
        Assert.Equal("noncore-1", await consumer.FarewellAsync());
    }

    private static Task WaitRegisteredAsync(RegistryHost registry, string app, string instanceId) =>
        Poll.UntilAsync(async () => (await registry.InstancesAsync(app)).Any(i => i.InstanceId == instanceId), $"{instanceId} is registered");

    private void Configure(IntrospectionClientOptions o)
    {
        var core = new RegistryGroupOptions();
        core.Registries.Add(_core.Url);
        var noncore = new RegistryGroupOptions();
        noncore.Registries.Add(_noncore.Url);
        o.RegistryGroups["core"] = core;
        o.RegistryGroups["noncore"] = noncore;
        o.ServiceSources["greet.Greeter"] = new ServiceSourceOptions { Registry = "core" };
        o.ServiceSources["greet.Farewell"] = new ServiceSourceOptions { Registry = "noncore" };
    }

    private T Own<T>(T disposable) where T : IAsyncDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }
}
