using Grpc.Net.Client;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Introspection.Provider.Tests.Infrastructure;

/// <summary>A real registry (registry-min) on a loopback port, in-process.</summary>
internal sealed class RegistryServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private GrpcChannel _channel = null!;
    private bool _stopped;

    private RegistryServer(WebApplication app, Uri? address)
    {
        _app = app;
        Address = address!;
    }

    public Uri Address { get; private set; }

    /// <summary>The registry's own log lines (categories <c>Introspection.*</c>, at the levels its settings enable).</summary>
    public LogSink Logs { get; } = new();

    public int Port => Address.Port;

    public Introspection.Protocol.Registry.V1.Registry.RegistryClient Client { get; private set; } = null!;

    public IServiceProvider Services => _app.Services;

    public static async Task<RegistryServer> StartAsync(int port = 0, params string[] settings)
    {
        var app = RegistryApplication.Build(
        [
            "--urls", $"http://127.0.0.1:{port}",
            // Short leases keep the tests fast: providers ask for 1.5 s and renew every 500 ms.
            "--Introspection:Registry:Leases:MinTtl=00:00:00.300",
            "--Logging:LogLevel:Default=Warning",
            .. settings,
        ]);
        var server = new RegistryServer(app, null);
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(server.Logs);
        await app.StartAsync().WaitAsync(TestTimeouts.Short).ConfigureAwait(false);
        server.Address = new Uri(app.Urls.First());
        server._channel = GrpcChannel.ForAddress(server.Address);
        server.Client = new Introspection.Protocol.Registry.V1.Registry.RegistryClient(server._channel);
        return server;
    }

    public async Task<IReadOnlyList<Instance>> InstancesAsync(string app)
    {
        var response = await Client.ListInstancesAsync(new ListInstancesRequest { App = app }, deadline: DateTime.UtcNow.AddSeconds(5)).ResponseAsync.ConfigureAwait(false);
        return response.Instances;
    }

    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        // A short grace period: open KeepAlive streams are cut, as in a crash-restart.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await _app.StopAsync(cts.Token).WaitAsync(TestTimeouts.Short).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await _app.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await StopAsync().ConfigureAwait(false);
    }
}
