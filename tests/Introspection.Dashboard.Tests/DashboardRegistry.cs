using System.Net;
using Grpc.Net.Client;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry;
using Microsoft.AspNetCore.Builder;

namespace Introspection.Dashboard.Tests;

/// <summary>
/// A real registry in process, built by the registry host's own code, with two loopback endpoints: h2c for gRPC
/// (providers, the test's client) and HTTP/1.1 for the browser (browsers do not speak HTTP/2 in clear text).
/// </summary>
internal sealed class DashboardRegistry : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DashboardRegistry(WebApplication app, string grpcUrl, string webUrl)
    {
        _app = app;
        GrpcUrl = grpcUrl;
        WebUrl = webUrl;
        Channel = GrpcChannel.ForAddress(grpcUrl);
        Client = new Protocol.Registry.V1.Registry.RegistryClient(Channel);
    }

    public string GrpcUrl { get; }

    /// <summary>The HTTP/1.1 endpoint, e.g. <c>http://127.0.0.1:5123</c>.</summary>
    public string WebUrl { get; }

    public string DashboardUrl => WebUrl + "/dashboard/";

    public GrpcChannel Channel { get; }

    public Protocol.Registry.V1.Registry.RegistryClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<DashboardRegistry> StartAsync(params string[] settings)
    {
        var webPort = FreePort.Get(IPAddress.Loopback);
        var app = RegistryApplication.Build(
        [
            "--Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:0",
            "--Kestrel:Endpoints:Grpc:Protocols=Http2",
            $"--Kestrel:Endpoints:Web:Url=http://127.0.0.1:{webPort}",
            "--Kestrel:Endpoints:Web:Protocols=Http1",
            "--Logging:LogLevel:Default=Warning",
            "--Introspection:Registry:Leases:MinTtl=00:00:01",
            "--Introspection:Registry:Leases:SweepInterval=00:00:00.200",
            .. settings,
        ]);
        try
        {
            await app.StartAsync().WaitAsync(TestTimeouts.Start);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var webUrl = $"http://127.0.0.1:{webPort}";
        var grpcUrl = app.Urls.Single(u => !u.EndsWith(":" + webPort, StringComparison.Ordinal));
        return new DashboardRegistry(app, grpcUrl, webUrl);
    }

    /// <summary>Registers an instance directly (no process behind it: its metadata cannot be fetched) and maps its services.</summary>
    public async Task RegisterAsync(string app, string instanceId, string revision, IDictionary<string, string>? labels = null, string ns = "", params string[] services)
    {
        var instance = new Instance { App = app, InstanceId = instanceId, Host = "127.0.0.1", Port = 9, Revision = revision };
        if (labels is not null)
        {
            instance.Labels.Add(labels);
        }

        await Client.RegisterAsync(new RegisterRequest { Namespace = ns, Instance = instance, TtlMs = 300_000 }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        if (services.Length > 0)
        {
            var map = new MapServiceRequest { Namespace = ns, App = app };
            map.Services.Add(services);
            await Client.MapServiceAsync(map).ResponseAsync.WaitAsync(TestTimeouts.Call);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(cts.Token).WaitAsync(TestTimeouts.Stop);
        }
        catch (OperationCanceledException)
        {
        }

        await _app.DisposeAsync();
    }
}
