using Grpc.Net.Client;
using Introspection.Provider.Tests.TestServices;
using Introspection.Protocol.Metadata.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging.Testing;

namespace Introspection.Provider.Tests.Infrastructure;

/// <summary>A real provider (<see cref="ProviderHost"/>) with Greeter and Farewell mapped, plus clients for it.</summary>
internal sealed class ProviderServer : IAsyncDisposable
{
    public const string App = "greeter-app";

    private readonly ProviderHost _host;
    private readonly GrpcChannel _channel;

    private ProviderServer(ProviderHost host)
    {
        _host = host;
        _channel = GrpcChannel.ForAddress(Address);
        Greeter = new Greeter.Contracts.Greeter.GreeterClient(_channel);
        Metadata = new MetadataService.MetadataServiceClient(_channel);
    }

    public WebApplication WebApp => _host.WebApp;

    /// <summary>The provider's own log records (categories <c>Introspection.*</c>, from Debug up), in the order they were written.</summary>
    public IReadOnlyList<FakeLogRecord> Logs => _host.Logs;

    /// <summary>Every log record the provider wrote (Warning and up, Introspection.* from Debug).</summary>
    public FakeLogCollector LogCollector => _host.LogCollector;

    public Uri Address => _host.Address;

    public int Port => _host.Port;

    public Greeter.Contracts.Greeter.GreeterClient Greeter { get; }

    public MetadataService.MetadataServiceClient Metadata { get; }

    public Grpc.Health.V1.Health.HealthClient Health => new(_channel);

    public static async Task<ProviderServer> StartAsync(Uri? registry, Action<IntrospectionProviderOptions>? configure = null, Action<WebApplication>? mapBefore = null, Action<WebApplication>? mapAfter = null)
    {
        var host = await ProviderHost.StartAsync(
            App,
            o =>
            {
                if (registry is not null)
                {
                    o.Registries.Add(registry.ToString());
                }

                configure?.Invoke(o);
            },
            services: null,
            app =>
            {
                app.MapGrpcService<GreeterService>();
                app.MapGrpcService<FarewellService>();
                mapBefore?.Invoke(app);
                app.MapIntrospectionMetadata();
                mapAfter?.Invoke(app);
            }).ConfigureAwait(false);
        return new ProviderServer(host);
    }

    public T Get<T>() where T : notnull => _host.Get<T>();

    /// <summary>Changes one configuration value and reloads configuration, as an edited appsettings.json would.</summary>
    public void Reconfigure(string key, string value) => _host.Reconfigure(key, value);

    public Task StopAsync() => _host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _host.DisposeAsync().ConfigureAwait(false);
    }
}
