using Grpc.Core;
using Introspection.Protocol.Registry.V1;
using Microsoft.AspNetCore.Builder;

namespace Introspection.Client.Tests.Infrastructure;

/// <summary>
/// A broken registry over real gRPC on loopback: its Watch answers one compact SNAPSHOT whose instance refers to an
/// app_table entry that does not exist (protocol/COMPACT.md section 4), which the real registry never sends. It
/// records whether the watcher asked for the compact form.
/// </summary>
public sealed class BadRefRegistry : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BadRefRegistry(WebApplication app, string url, Service service)
    {
        _app = app;
        Url = url;
        Requests = service.Requests;
    }

    public string Url { get; }

    /// <summary>The Watch requests received so far.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<WatchRequest> Requests { get; }

    public static async Task<BadRefRegistry> StartAsync()
    {
        var service = new Service();
        var (app, url) = await LoopbackGrpcHost.StartAsync(service);
        return new BadRefRegistry(app, url, service);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class Service : Protocol.Registry.V1.Registry.RegistryBase
    {
        public System.Collections.Concurrent.ConcurrentQueue<WatchRequest> Requests { get; } = new();

        public override Task<LookupServiceResponse> LookupService(LookupServiceRequest request, ServerCallContext context) =>
            Task.FromResult(new LookupServiceResponse { Apps = { "orders" }, Revision = 5 });

        public override async Task Watch(WatchRequest request, IServerStreamWriter<WatchResponse> responseStream, ServerCallContext context)
        {
            Requests.Enqueue(request);
            var snapshot = new WatchResponse { Kind = WatchResponseKind.Snapshot, Revision = 5, AppTable = { "orders" } };
            snapshot.Instances.Add(new Instance { AppRef = 7, InstanceId = "o1", Host = "127.0.0.1", Port = 5000, Revision = "0", ModRevision = 5 });
            snapshot.ServiceMappings.Add(new ServiceMapping { Service = "shop.Orders", App = "orders" });
            await responseStream.WriteAsync(snapshot);
            await Task.Delay(Timeout.Infinite, context.CancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
