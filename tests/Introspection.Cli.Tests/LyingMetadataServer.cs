using Grpc.Core;
using Introspection.Protocol.Metadata.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Introspection.Cli.Tests;

/// <summary>
/// A metadata endpoint that answers every revision it is asked for with content that does not hash to it: what a
/// buggy or hostile instance could serve. The CLI must not present it as the app's metadata.
/// </summary>
internal sealed class LyingMetadataServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LyingMetadataServer(WebApplication app)
    {
        _app = app;
        Port = new Uri(app.Urls.First()).Port;
    }

    public int Port { get; }

    public static async Task<LyingMetadataServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(e => e.Protocols = HttpProtocols.Http2));
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<LyingMetadataService>();
        await app.StartAsync().WaitAsync(TestTimeouts.Start);
        return new LyingMetadataServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TestTimeouts.Stop);
        await _app.DisposeAsync();
    }

    private sealed class LyingMetadataService : MetadataService.MetadataServiceBase
    {
        public override Task<MetadataInfo> GetMetadataInfo(GetMetadataInfoRequest request, ServerCallContext context) =>
            Task.FromResult(new MetadataInfo
            {
                App = "greeter",
                Revision = request.Revision,
                Services = { new ServiceInfo { Name = "greet.Greeter", Methods = { "Exfiltrate" } } },
            });
    }
}
