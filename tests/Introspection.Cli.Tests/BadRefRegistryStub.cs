using Grpc.Core;
using Introspection.Protocol.Registry.V1;
using Microsoft.AspNetCore.Builder;

namespace Introspection.Cli.Tests;

/// <summary>
/// A broken registry: its compact answers (ListInstances, Watch) refer to an app_table entry that does not exist
/// (protocol/COMPACT.md section 4), which the real registry never sends. The CLI must say so, not print a record
/// without its app.
/// </summary>
internal sealed class BadRefRegistryStub : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BadRefRegistryStub(WebApplication app)
    {
        _app = app;
        Url = app.Urls.First();
    }

    public string Url { get; }

    public static async Task<BadRefRegistryStub> StartAsync()
    {
        var (app, _) = await LoopbackGrpcHost.StartAsync(new BadRefRegistryService());
        return new BadRefRegistryStub(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TestTimeouts.Stop);
        await _app.DisposeAsync();
    }

    private static Instance BadInstance() => new() { AppRef = 2, InstanceId = "o-1", Host = "127.0.0.1", Port = 7001, Revision = "0", ModRevision = 3 };

    private sealed class BadRefRegistryService : Protocol.Registry.V1.Registry.RegistryBase
    {
        public override Task<ListInstancesResponse> ListInstances(ListInstancesRequest request, ServerCallContext context) =>
            Task.FromResult(new ListInstancesResponse { Instances = { BadInstance() }, AppTable = { "orders" }, Revision = 3 });

        public override async Task Watch(WatchRequest request, IServerStreamWriter<WatchResponse> responseStream, ServerCallContext context) =>
            await responseStream.WriteAsync(new WatchResponse { Kind = WatchResponseKind.Snapshot, Revision = 3, Instances = { BadInstance() }, AppTable = { "orders" } });
    }
}
