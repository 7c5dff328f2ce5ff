using Grpc.Net.Client;
using Introspection.Provider.Tests.TestServices;
using Introspection.Protocol.Metadata.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Introspection.Provider.Tests.Infrastructure;

/// <summary>A real provider: Kestrel on a loopback port 0 (HTTP/2), Greeter and Farewell mapped, AddIntrospectionProvider.</summary>
internal sealed class ProviderServer : IAsyncDisposable
{
    public const string App = "greeter-app";

    private readonly GrpcChannel _channel;
    private readonly MemoryConfigurationProvider _reloadable;
    private readonly FakeLoggerProvider _logs;
    private bool _stopped;

    private ProviderServer(WebApplication app, FakeLoggerProvider logs, MemoryConfigurationProvider reloadable)
    {
        WebApp = app;
        _logs = logs;
        _reloadable = reloadable;
        Address = new Uri(app.Urls.First());
        _channel = GrpcChannel.ForAddress(Address);
        Greeter = new Greeter.Contracts.Greeter.GreeterClient(_channel);
        Metadata = new MetadataService.MetadataServiceClient(_channel);
    }

    public WebApplication WebApp { get; }

    /// <summary>The provider's own log records (categories <c>Introspection.*</c>, from Debug up), in the order they were written.</summary>
    public IReadOnlyList<FakeLogRecord> Logs => _logs.Collector.IntrospectionRecords();

    public Uri Address { get; }

    public int Port => Address.Port;

    public Greeter.Contracts.Greeter.GreeterClient Greeter { get; }

    public MetadataService.MetadataServiceClient Metadata { get; }

    public Grpc.Health.V1.Health.HealthClient Health => new(_channel);

    public static async Task<ProviderServer> StartAsync(Uri? registry, Action<IntrospectionProviderOptions>? configure = null, Action<WebApplication>? mapBefore = null, Action<WebApplication>? mapAfter = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(e => e.Protocols = HttpProtocols.Http2));
        // Last source: what a test writes here wins and survives a reload, like an edited appsettings file.
        builder.Configuration.AddInMemoryCollection();
        var reloadable = ((IConfigurationRoot)builder.Configuration).Providers.OfType<MemoryConfigurationProvider>().Last();
        var logs = new FakeLoggerProvider();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddGrpc();
        builder.Services.AddIntrospectionProvider(o =>
        {
            o.App = App;
            if (registry is not null)
            {
                o.Registries.Add(registry.ToString());
            }

            o.LeaseTtl = TimeSpan.FromSeconds(1.5);
            o.StartupTimeout = TimeSpan.FromSeconds(10);
            o.RegistryCallTimeout = TimeSpan.FromSeconds(2);
            o.PropagationDelay = TimeSpan.FromMilliseconds(300);
            o.ShutdownTimeout = TimeSpan.FromSeconds(10);
            configure?.Invoke(o);
        });

        var app = builder.Build();
        app.MapGrpcService<GreeterService>();
        app.MapGrpcService<FarewellService>();
        mapBefore?.Invoke(app);
        app.MapIntrospectionMetadata();
        mapAfter?.Invoke(app);
        await app.StartAsync().WaitAsync(TestTimeouts.Short).ConfigureAwait(false);
        return new ProviderServer(app, logs, reloadable);
    }

    public T Get<T>() where T : notnull => WebApp.Services.GetRequiredService<T>();

    /// <summary>Changes one configuration value and reloads configuration, as an edited appsettings.json would.</summary>
    public void Reconfigure(string key, string value)
    {
        _reloadable.Set(key, value);
        ((IConfigurationRoot)WebApp.Configuration).Reload();
    }

    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await WebApp.StopAsync().WaitAsync(TestTimeouts.Long).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await StopAsync().ConfigureAwait(false);
        await WebApp.DisposeAsync().ConfigureAwait(false);
    }
}
