using Microsoft.AspNetCore.Builder;
using Grpc.Net.Client;
using Introspection.Protocol.Registry.V1;

namespace Introspection.Registry.Tests.Infrastructure;

/// <summary>A real registry on a loopback port 0, built by <see cref="RegistryApplication.Build"/>, plus a client.</summary>
public sealed class RegistryServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly GrpcChannel _channel;

    private RegistryServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        _channel = GrpcChannel.ForAddress(address);
        Client = new Protocol.Registry.V1.Registry.RegistryClient(_channel);
    }

    public Uri Address { get; }

    public Protocol.Registry.V1.Registry.RegistryClient Client { get; }

    public GrpcChannel Channel => _channel;

    public IServiceProvider Services => _app.Services;

    public static async Task<RegistryServer> StartAsync(params string[] settings)
    {
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            "--Logging:LogLevel:Default=Warning",
            "--Introspection:Registry:Leases:MinTtl=00:00:01",
            "--Introspection:Registry:Leases:SweepInterval=00:00:00.200",
            .. settings,
        ];
        var app = RegistryApplication.Build(args);
        await app.StartAsync().WaitAsync(TestTimeouts.Long);
        var address = new Uri(app.Urls.Single());
        if (address.Port == 0)
        {
            throw new InvalidOperationException("The registry did not report its bound port.");
        }

        return new RegistryServer(app, address);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _app.StopAsync().WaitAsync(TestTimeouts.Long);
        await _app.DisposeAsync();
    }
}
