using Grpc.Core;
using Introspection.Protocol.Registry.V1;
using Microsoft.AspNetCore.Builder;

namespace Introspection.Client.Tests.Infrastructure;

/// <summary>
/// A registry over real gRPC on loopback whose MapService waits until the test opens its gate, then answers OK or
/// the status the test chose: it shows what a registrar does between Register and MapService. Register grants a
/// lease at once and KeepAlive acknowledges every renewal.
/// </summary>
public sealed class GatedMappingRegistry : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Service _service;

    private GatedMappingRegistry(WebApplication app, string url, Service service)
    {
        _app = app;
        Url = url;
        _service = service;
    }

    public string Url { get; }

    /// <summary>Completes when the first MapService call arrives (it then waits at the gate).</summary>
    public Task MappingAsked => _service.MappingAsked.Task;

    /// <summary>MapService calls answered OK so far.</summary>
    public int MappingsAccepted => Volatile.Read(ref _service.Accepted);

    public static async Task<GatedMappingRegistry> StartAsync()
    {
        var service = new Service();
        var (app, url) = await LoopbackGrpcHost.StartAsync(service);
        return new GatedMappingRegistry(app, url, service);
    }

    /// <summary>Lets the waiting and every later MapService answer: OK when <paramref name="failWith"/> is null.</summary>
    public void Open(StatusCode? failWith = null) => _service.Gate.TrySetResult(failWith);

    public async ValueTask DisposeAsync()
    {
        Open();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class Service : Protocol.Registry.V1.Registry.RegistryBase
    {
        public int Accepted;

        public TaskCompletionSource MappingAsked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<StatusCode?> Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override Task<RegisterResponse> Register(RegisterRequest request, ServerCallContext context) =>
            Task.FromResult(new RegisterResponse { LeaseId = 42, TtlMs = request.TtlMs, Revision = 1 });

        public override async Task<MapServiceResponse> MapService(MapServiceRequest request, ServerCallContext context)
        {
            MappingAsked.TrySetResult();
            if (await Gate.Task.WaitAsync(context.CancellationToken) is { } failure)
            {
                throw new RpcException(new Status(failure, "the test registry refuses mappings"));
            }

            Interlocked.Increment(ref Accepted);
            return new MapServiceResponse { Revision = 2 };
        }

        public override async Task KeepAlive(IAsyncStreamReader<KeepAliveRequest> requestStream, IServerStreamWriter<KeepAliveResponse> responseStream, ServerCallContext context)
        {
            await foreach (var renewal in requestStream.ReadAllAsync(context.CancellationToken))
            {
                await responseStream.WriteAsync(new KeepAliveResponse { LeaseId = renewal.LeaseId, TtlMs = 1000 });
            }
        }
    }
}
