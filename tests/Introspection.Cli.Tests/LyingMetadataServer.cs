using Grpc.Core;
using Introspection.Protocol.Metadata.V1;
using Microsoft.AspNetCore.Builder;

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
        var (app, _) = await LoopbackGrpcHost.StartAsync(new LyingMetadataService());
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
