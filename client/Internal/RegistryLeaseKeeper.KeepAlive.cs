using Grpc.Core;
using Introspection.Protocol.Registry.V1;

namespace Introspection.Client.Internal;

internal sealed partial class RegistryLeaseKeeper
{
    /// <summary>
    /// Renews the lease on one KeepAlive stream every <see cref="RenewInterval"/>. Returns when the
    /// lease is gone (the caller registers again); throws when the stream breaks or an answer is
    /// late (the caller reconnects, possibly to another address of this registry).
    /// </summary>
    private async Task KeepAliveAsync(CancellationToken cancellationToken)
    {
        var (client, _, address) = _connection.Current();
        using var streamCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var call = client.KeepAlive(cancellationToken: streamCts.Token);
        try
        {
            var read = call.ResponseStream.MoveNext(streamCts.Token);
            while (true)
            {
                var leaseId = Interlocked.Read(ref _leaseId);
                if (leaseId == 0)
                {
                    return;
                }

                var namespaceName = _instance().Namespace;
                var interval = RenewInterval;
                var sentAt = _timeProvider.GetTimestamp();
                await call.RequestStream.WriteAsync(new KeepAliveRequest { Namespace = namespaceName, LeaseId = leaseId }, streamCts.Token).ConfigureAwait(false);

                // The answer must come before the next renewal is due, or the registry (or the
                // path to it) is too slow to trust with the lease.
                if (!await CompletesWithinAsync(read, interval, cancellationToken).ConfigureAwait(false))
                {
                    throw new TimeoutException($"No renewal answer within {interval.TotalMilliseconds:0} ms.");
                }

                if (!await read.ConfigureAwait(false))
                {
                    throw new RpcException(new Status(StatusCode.Unavailable, "The registry closed the keep-alive stream."));
                }

                var response = call.ResponseStream.Current;
                read = call.ResponseStream.MoveNext(streamCts.Token);
                switch ((StatusCode)response.Code)
                {
                    case StatusCode.OK:
                        _metrics.Renewed(Name);
                        RecordSuccess();
                        if (NeedsSync())
                        {
                            // A revision change that could not be pushed earlier (registry down) goes now.
                            await UpdateAsync(cancellationToken).ConfigureAwait(false);
                        }

                        break;

                    case StatusCode.NotFound:
                        Log.LeaseLost(_logger, Name, address, leaseId, response.Message);
                        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                        try
                        {
                            if (Interlocked.Read(ref _leaseId) == leaseId)
                            {
                                Interlocked.Exchange(ref _leaseId, 0);
                                await RegisterCoreAsync(cancellationToken, leaseLost: true).ConfigureAwait(false);
                            }
                        }
                        finally
                        {
                            _gate.Release();
                        }

                        // The new lease is fresh: renew it on schedule on this same stream.
                        break;

                    default:
                        RecordFailure(new RpcException(new Status((StatusCode)response.Code, response.Message)));
                        break;
                }

                var remaining = interval - _timeProvider.GetElapsedTime(sentAt);
                if (remaining > TimeSpan.Zero && await CompletesWithinAsync(read, remaining, cancellationToken).ConfigureAwait(false))
                {
                    // The registry only ever answers a request: anything arriving now is the stream
                    // ending (e.g. the registry shutting down). Notice it now, not at the next renewal.
                    if (!await read.ConfigureAwait(false))
                    {
                        throw new RpcException(new Status(StatusCode.Unavailable, "The registry closed the keep-alive stream."));
                    }

                    throw new RpcException(new Status(StatusCode.Internal, "The registry sent an unsolicited keep-alive answer."));
                }
            }
        }
        finally
        {
            // Ends the call on every path so the registry sees the stream close.
            await streamCts.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task<bool> CompletesWithinAsync(Task task, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (task.IsCompleted)
        {
            return true;
        }

        using var delayCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout, _timeProvider, delayCts.Token);
        var winner = await Task.WhenAny(task, delay).ConfigureAwait(false);
        await delayCts.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return winner == task;
    }
}
