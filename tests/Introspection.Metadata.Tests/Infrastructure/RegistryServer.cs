using Grpc.Net.Client;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry;
using Microsoft.AspNetCore.Builder;

namespace Introspection.Metadata.Tests.Infrastructure;

/// <summary>A real registry (registry-min) on a loopback port, in-process.</summary>
internal sealed class RegistryServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly GrpcChannel _channel;
    private bool _stopped;

    private RegistryServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        _channel = GrpcChannel.ForAddress(address);
        Client = new Introspection.Protocol.Registry.V1.Registry.RegistryClient(_channel);
    }

    public Uri Address { get; }

    public int Port => Address.Port;

    public Introspection.Protocol.Registry.V1.Registry.RegistryClient Client { get; }

    public static async Task<RegistryServer> StartAsync(int port = 0)
    {
        var app = RegistryApplication.Build(
        [
            "--urls", $"http://127.0.0.1:{port}",
            // Short leases keep the tests fast: providers ask for 1.5 s and renew every 500 ms.
            "--Registry:Leases:MinTtl=00:00:00.300",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync().WaitAsync(TestTimeouts.Short).ConfigureAwait(false);
        return new RegistryServer(app, new Uri(app.Urls.First()));
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
