using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Tests.Infrastructure;

namespace Introspection.Registry.Tests.Functional;

public sealed class ShutdownTests
{
    [Fact]
    public async Task StopAsync_OpenWatchAndKeepAlive_StopsPromptlyAndStreamsGetUnavailable()
    {
        var server = await RegistryHost.StartAsync();
        using var cts = new CancellationTokenSource(TestTimeouts.Long);

        // Own channel: the server helper disposes its channel when it stops.
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = new Protocol.Registry.V1.Registry.RegistryClient(channel);
        using var watch = client.Watch(new WatchRequest(), cancellationToken: cts.Token);
        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
        using var keepAlive = client.KeepAlive(cancellationToken: cts.Token);
        await keepAlive.RequestStream.WriteAsync(new KeepAliveRequest { LeaseId = 1 });
        Assert.True(await keepAlive.ResponseStream.MoveNext(cts.Token));

        // A well-behaved client reads the end of its streams while the registry stops, and lets go.
        var stopwatch = Stopwatch.StartNew();
        // The registry's own shutdown must end the streams: no test-side grace period cuts them.
        var stopping = server.StopAsync(Timeout.InfiniteTimeSpan);
        var watchEnd = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext(cts.Token)).WaitAsync(TestTimeouts.Long);
        var keepAliveEnd = await Assert.ThrowsAsync<RpcException>(() => keepAlive.ResponseStream.MoveNext(cts.Token)).WaitAsync(TestTimeouts.Long);
        watch.Dispose();
        keepAlive.Dispose();
        await stopping.WaitAsync(TestTimeouts.Long);
        stopwatch.Stop();
        await server.DisposeAsync();

        // Long-lived streams must not hold shutdown until a timeout.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(4), $"shutdown took {stopwatch.Elapsed}");
        Assert.Equal(StatusCode.Unavailable, watchEnd.StatusCode);

        // The server ends KeepAlive with UNAVAILABLE too, but the client's request side is still open
        // when the connection closes, and HttpClient may then report the close (INTERNAL) instead of
        // the trailers it raced with. Either way the stream ended promptly and the caller reconnects.
        Assert.True(keepAliveEnd.StatusCode is StatusCode.Unavailable or StatusCode.Internal, keepAliveEnd.ToString());
    }

    [Fact]
    public async Task StopAsync_ClientHoldsKeepAliveOpen_BoundedByShutdownTimeout()
    {
        var server = await RegistryHost.StartAsync("--Introspection:Registry:ShutdownTimeout=00:00:01");
        using var cts = new CancellationTokenSource(TestTimeouts.Long);
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = new Protocol.Registry.V1.Registry.RegistryClient(channel);
        using var keepAlive = client.KeepAlive(cancellationToken: cts.Token);
        await keepAlive.RequestStream.WriteAsync(new KeepAliveRequest { LeaseId = 1 });
        Assert.True(await keepAlive.ResponseStream.MoveNext(cts.Token));

        // This client never reads the end of its stream nor closes it.
        var stopwatch = Stopwatch.StartNew();
        await server.StopAsync(Timeout.InfiniteTimeSpan);
        stopwatch.Stop();
        await server.DisposeAsync();

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"shutdown took {stopwatch.Elapsed}");
    }
}
