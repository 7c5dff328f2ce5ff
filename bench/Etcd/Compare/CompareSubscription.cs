using Grpc.Core;

namespace Introspection.Bench.Etcd.Compare;

/// <summary>A watcher of <c>etcd-compare</c>: disposing it stops its read loop and ends its stream.</summary>
internal sealed class CompareSubscription(CancellationTokenSource stop, IDisposable call, Task loop) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await loop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException or TimeoutException)
        {
            // Stopping is the point.
        }

        call.Dispose();
        stop.Dispose();
    }
}
