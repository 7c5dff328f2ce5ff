using Introspection.Provider;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Introspection.Testing;

/// <summary>
/// A real provider in process: Kestrel on loopback port 0 (HTTP/2), gRPC, and the provider library
/// (<c>AddIntrospectionProvider</c>) with short test timings. The caller maps its services and
/// <c>MapIntrospectionMetadata</c>. The one place the tests wire the provider library up.
/// </summary>
public sealed class ProviderHost : IAsyncDisposable
{
    private readonly MemoryConfigurationProvider _reloadable;
    private readonly FakeLoggerProvider _logs;
    private bool _stopped;

    private ProviderHost(WebApplication app, FakeLoggerProvider logs, MemoryConfigurationProvider reloadable)
    {
        WebApp = app;
        _logs = logs;
        _reloadable = reloadable;
        Address = new Uri(app.Urls.First());
    }

    public WebApplication WebApp { get; }

    public Uri Address { get; }

    public int Port => Address.Port;

    /// <summary>Every log record the provider wrote (Warning and up, Introspection.* from Debug).</summary>
    public FakeLogCollector LogCollector => _logs.Collector;

    /// <summary>The provider's own log records (categories <c>Introspection.*</c>, from Debug up), in the order they were written.</summary>
    public IReadOnlyList<FakeLogRecord> Logs => _logs.Collector.IntrospectionRecords();

    /// <summary>
    /// Starts a provider of <paramref name="app"/>. <paramref name="configure"/> runs after the test defaults
    /// (lease 1.5 s, startup 10 s, registry calls 2 s, propagation delay 300 ms, shutdown 10 s) and adds the
    /// registries; <paramref name="services"/> adds the caller's services; <paramref name="map"/> maps the
    /// endpoints, <c>MapIntrospectionMetadata</c> included.
    /// </summary>
    public static async Task<ProviderHost> StartAsync(
        string app,
        Action<IntrospectionProviderOptions>? configure,
        Action<IServiceCollection>? services,
        Action<WebApplication> map)
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
        // Only the provider's own categories are asserted on; hosting and Kestrel stay quiet.
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Introspection", LogLevel.Debug);
        builder.Services.AddGrpc();
        services?.Invoke(builder.Services);
        builder.Services.AddIntrospectionProvider(o =>
        {
            o.App = app;
            o.LeaseTtl = TimeSpan.FromSeconds(1.5);
            o.StartupTimeout = TimeSpan.FromSeconds(10);
            o.RegistryCallTimeout = TimeSpan.FromSeconds(2);
            o.PropagationDelay = TimeSpan.FromMilliseconds(300);
            o.ShutdownTimeout = TimeSpan.FromSeconds(10);
            configure?.Invoke(o);
        });

        var web = builder.Build();
        map(web);
        try
        {
            await web.StartAsync().WaitAsync(TestTimeouts.Start).ConfigureAwait(false);
        }
        catch
        {
            await web.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new ProviderHost(web, logs, reloadable);
    }

    public T Get<T>() where T : notnull => WebApp.Services.GetRequiredService<T>();

    /// <summary>Changes one configuration value and reloads configuration, as an edited appsettings.json would.</summary>
    public void Reconfigure(string key, string value)
    {
        _reloadable.Set(key, value);
        ((IConfigurationRoot)WebApp.Configuration).Reload();
    }

    /// <summary>Graceful stop: deregister, drain, stop.</summary>
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
        await StopAsync().ConfigureAwait(false);
        await WebApp.DisposeAsync().ConfigureAwait(false);
    }
}
