using StackExchange.Redis;

namespace Introspection.Registry.Stores.Redis;

internal sealed partial class RedisRegistryStore
{
    /// <summary>
    /// <c>WAIT n timeout</c> after a write script: Redis replicates asynchronously, so without it a write
    /// acknowledged by the primary can vanish when a replica that never got it is promoted. WAIT is sent on
    /// the same connection as the script (the primary of the registry's slot), so it covers that write.
    /// </summary>
    private async Task WaitForReplicasAsync(CancellationToken cancellationToken)
    {
        long acknowledged;
        try
        {
            var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            var server = connection.GetServer(_keys[0], flags: CommandFlags.DemandMaster);
            var reply = await server.ExecuteAsync("WAIT", _options.WaitReplicas, (long)_options.WaitTimeout.TotalMilliseconds)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            acknowledged = (long)reply;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Not our caller's token: StackExchange.Redis cancels the commands of a connection it tears
            // down (seen on a Sentinel switch-over). Left as is it would end the sweeper, and the host.
            throw Unavailable(ex);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable(ex);
        }

        if (acknowledged < _options.WaitReplicas)
        {
            // Not an outage (the primary answered), but not durable as asked: the caller retries, and a
            // retried Register simply replaces this one.
            if (Interlocked.Exchange(ref _replicasBehind, 1) == 0)
            {
                Log.ReplicasBehind(_logger, acknowledged, _options.WaitReplicas, _options.WaitTimeout);
            }

            throw new RegistryStoreUnavailableException(
                $"Only {acknowledged} of {_options.WaitReplicas} Redis replicas acknowledged the write within {_options.WaitTimeout}: it is applied on the primary but could be lost on failover; retry.");
        }

        Volatile.Write(ref _replicasBehind, 0);
    }
}
