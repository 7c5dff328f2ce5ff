using Greeter.Contracts;
using Introspection.Provider;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Introspection.Telemetry.Tests.Infrastructure;

/// <summary>A real registry, a Greeter provider registered with it and a consumer calling through <c>introspect:///</c>.</summary>
public sealed class TelemetryScenario : IAsyncDisposable
{
    public const string App = "telemetry-greeter";

    private TelemetryScenario(RegistryHost registry, ProviderHost provider, IHost consumer)
    {
        Registry = registry;
        Provider = provider;
        Consumer = consumer;
        Greeter = consumer.Services.GetRequiredService<Greeter.Contracts.Greeter.GreeterClient>();
    }

    public RegistryHost Registry { get; private set; }

    public ProviderHost Provider { get; }

    public IHost Consumer { get; }

    public Greeter.Contracts.Greeter.GreeterClient Greeter { get; }

    /// <summary><paramref name="registryEntry"/> rewrites the consumer's registry entry (e.g. a dead node first, for a failover).</summary>
    public static async Task<TelemetryScenario> StartAsync(Func<string, string>? registryEntry = null)
    {
        var registry = await RegistryHost.StartAsync();
        var provider = await ProviderHost.StartAsync(
            App,
            o => o.Registries.Add(registry.Url),
            null,
            web =>
            {
                web.MapGrpcService<TelemetryGreeterService>();
                web.MapIntrospectionMetadata();
            });

        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddIntrospectionClient(o =>
        {
            o.Registries.Add(registryEntry?.Invoke(registry.Url) ?? registry.Url);
            o.EnableSnapshot = false;
            o.RegistryRetryInitialBackoff = TimeSpan.FromMilliseconds(50);
        });
        builder.Services.AddGrpcClient<Greeter.Contracts.Greeter.GreeterClient>(o => o.Address = new Uri("introspect:///greet.Greeter"));
        var consumer = builder.Build();
        await consumer.StartAsync().WaitAsync(TestTimeouts.Start);
        return new TelemetryScenario(registry, provider, consumer);
    }

    public async Task<HelloReply> CallAsync() =>
        await Greeter.SayHelloAsync(new HelloRequest { Name = "telemetry" }, deadline: DateTime.UtcNow.Add(TestTimeouts.Call));

    /// <summary>Calls until one succeeds (the provider registers and the consumer learns of it in the background).</summary>
    public Task CallUntilServedAsync() => Poll.UntilAsync(
        async () =>
        {
            try
            {
                await CallAsync();
                return true;
            }
            catch (Grpc.Core.RpcException)
            {
                return false;
            }
        },
        TestTimeouts.Condition,
        "a call through discovery succeeds");

    /// <summary>
    /// Registers a second instance of the app straight at the registry (same revision, so no fetch; an address
    /// nobody listens on): a change the consumer's Watch receives as a delta.
    /// </summary>
    public async Task AddInstanceAsync()
    {
        var revision = (await Registry.InstancesAsync(App)).First().Revision;
        await Registry.RegisterAsync(App, "extra", "127.0.0.1", FreePort.Get(), revision, ["greet.Greeter"]);
    }

    /// <summary>Restarts the registry empty on the same port: the provider's renewal is answered NOT_FOUND.</summary>
    public async Task RestartRegistryAsync()
    {
        await Registry.StopAsync(TimeSpan.FromMilliseconds(200));
        var again = await Registry.StartAgainAsync();
        await Registry.DisposeAsync();
        Registry = again;
    }

    public async ValueTask DisposeAsync()
    {
        await Consumer.StopAsync().WaitAsync(TestTimeouts.Stop);
        Consumer.Dispose();
        await Provider.DisposeAsync();
        await Registry.DisposeAsync();
    }
}
