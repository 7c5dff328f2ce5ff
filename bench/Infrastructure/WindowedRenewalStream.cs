using Grpc.Core;
using Introspection.Protocol.Registry.V1;
using RegistryClient = Introspection.Protocol.Registry.V1.Registry.RegistryClient;

namespace Introspection.Bench.Infrastructure;

/// <summary>
/// One KeepAlive stream renewing leases <c>first</c>, <c>first + stride</c>, <c>first + 2·stride</c>, ... round and
/// round, one lease per message with up to <c>window</c> unanswered, until <c>stop</c> fires; then it lets the
/// renewals in flight come back so every one sent is counted. The capacity and redis-scale tools drive their
/// renewal phases with it.
/// </summary>
internal static class WindowedRenewalStream
{
    public static async Task<(long Ok, long NotOk)> RunAsync(RegistryClient client, string ns, long[] leases, int first, int stride, int window, CancellationToken stop)
    {
        long ok = 0;
        long notOk = 0;
        using var call = client.KeepAlive(cancellationToken: CancellationToken.None);
        using var credits = new SemaphoreSlim(window, window);
        var reader = Task.Run(async () =>
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                Interlocked.Increment(ref response.Code == 0 ? ref ok : ref notOk);
                credits.Release();
            }
        });
        try
        {
            for (var i = first; !stop.IsCancellationRequested; i += stride)
            {
                if (i >= leases.Length)
                {
                    i = first;
                }

                await credits.WaitAsync(stop).ConfigureAwait(false);
                await call.RequestStream.WriteAsync(new KeepAliveRequest { Namespace = ns, LeaseId = leases[i] }, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        await reader.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None).ConfigureAwait(false);
        return (Interlocked.Read(ref ok), Interlocked.Read(ref notOk));
    }
}
