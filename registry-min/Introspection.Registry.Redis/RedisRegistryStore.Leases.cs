using System.Globalization;
using StackExchange.Redis;

namespace Introspection.Registry.Stores.Redis;

internal sealed partial class RedisRegistryStore
{
    /// <summary>
    /// Renewals per <see cref="RedisScripts.RenewMany"/> call: a script blocks every other client of Redis
    /// while it runs, so a huge burst goes as several calls of a few hundred microseconds each.
    /// </summary>
    internal const int RenewsPerScript = 256;

    private readonly System.Collections.Concurrent.ConcurrentQueue<PendingRenewal> _renewals = new();

    // 1 while a single-renewal batch loop runs.
    private int _renewing;

    public ValueTask<RenewResult> RenewAsync(string ns, long leaseId, CancellationToken cancellationToken) =>
        RenewAsync(ns, leaseId, LeaseOwnership.Anonymous, cancellationToken);

    /// <summary>
    /// Single-lease renewals (one per KeepAlive message, what real providers send) from every stream of
    /// this node share <see cref="RedisScripts.RenewMany"/> calls, like registrations do (see
    /// RedisRegistryStore.Registrations.cs): the first goes out at once, those arriving while it is in flight
    /// form the next call. The owner comparison is inside the script: ownership costs no extra round trip.
    /// </summary>
    public async ValueTask<RenewResult> RenewAsync(string ns, long leaseId, LeaseOwnership ownership, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new PendingRenewal(new LeaseRenewal(ns, leaseId, ownership), cancellationToken);
        _renewals.Enqueue(pending);
        StartRenewing();
        return await pending.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void StartRenewing()
    {
        if (Interlocked.CompareExchange(ref _renewing, 1, 0) != 0)
        {
            return;
        }

        // As for registrations: run up to the first await here, without this caller's ExecutionContext.
        if (ExecutionContext.IsFlowSuppressed())
        {
            _ = RenewQueuedAsync();
            return;
        }

        using (ExecutionContext.SuppressFlow())
        {
            _ = RenewQueuedAsync();
        }
    }

    /// <summary>Sends the queued single renewals batch after batch until none is left. Never throws: every failure completes its callers.</summary>
    private async Task RenewQueuedAsync()
    {
        var batch = new List<PendingRenewal>(RenewsPerScript);
        var renewals = new List<LeaseRenewal>(RenewsPerScript);
        while (true)
        {
            while (batch.Count < RenewsPerScript && _renewals.TryDequeue(out var pending))
            {
                if (pending.CancellationToken.IsCancellationRequested)
                {
                    pending.Completion.TrySetCanceled(pending.CancellationToken);
                    continue;
                }

                batch.Add(pending);
                renewals.Add(pending.Renewal);
            }

            if (batch.Count == 0)
            {
                Volatile.Write(ref _renewing, 0);
                if (_renewals.IsEmpty || Interlocked.CompareExchange(ref _renewing, 1, 0) != 0)
                {
                    return;
                }

                continue;
            }

            try
            {
                // Not any one caller's token: the batch is everyone's.
                var replies = await RenewRepliesAsync(EvaluateWriteAsync(RedisScripts.RenewMany, RenewManyArguments(renewals, 0, renewals.Count), CancellationToken.None), renewals.Count).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(ToRenewResult(replies[i]));
                }
            }
            catch (Exception ex)
            {
                // Any failure of the shared call fails each renewal in it as UNAVAILABLE, never raw.
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(new RegistryStoreUnavailableException(
                        ex is RegistryStoreUnavailableException ? ex.Message : $"Redis is unavailable: {ex.Message}", ex));
                }
            }

            batch.Clear();
            renewals.Clear();
        }
    }

    private static RenewResult ToRenewResult(RedisResult reply)
    {
        var ttlMs = (long)reply;
        return ttlMs < 0 ? RenewResult.NotFound : new RenewResult(true, TimeSpan.FromMilliseconds(ttlMs));
    }

    private static RedisValue[] RenewManyArguments(IReadOnlyList<LeaseRenewal> renewals, int first, int count)
    {
        var args = new RedisValue[count * 3];
        for (var i = 0; i < count; i++)
        {
            var renewal = renewals[first + i];
            args[i * 3] = renewal.Namespace;
            args[(i * 3) + 1] = renewal.LeaseId;
            args[(i * 3) + 2] = renewal.Ownership.RequiredOwner ?? string.Empty;
        }

        return args;
    }

    /// <summary>
    /// The burst joins the queue of single renewals as a whole (see <see cref="RenewAsync(string, long, LeaseOwnership, CancellationToken)"/>),
    /// so it goes out in as few <see cref="RedisScripts.RenewMany"/> calls as its size allows, shared with the
    /// bursts and single renewals of other streams: a KeepAlive burst costs one round trip instead of one per
    /// lease, and the small bursts of many streams still share calls. Each renewal is checked exactly as
    /// <see cref="RenewAsync(string, long, LeaseOwnership, CancellationToken)"/> checks it.
    /// </summary>
    public async ValueTask<IReadOnlyList<RenewResult>> RenewBatchAsync(IReadOnlyList<LeaseRenewal> renewals, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(renewals);
        cancellationToken.ThrowIfCancellationRequested();
        var results = new RenewResult[renewals.Count];
        if (results.Length == 0)
        {
            return results;
        }

        // Every renewal is queued before the loop may start: a loop started by the first one would send it alone.
        var pending = new PendingRenewal[results.Length];
        for (var i = 0; i < pending.Length; i++)
        {
            pending[i] = new PendingRenewal(renewals[i], cancellationToken);
            _renewals.Enqueue(pending[i]);
        }

        StartRenewing();
        for (var i = 0; i < pending.Length; i++)
        {
            results[i] = await pending[i].Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return results;
    }

    /// <summary>
    /// The replies of one <see cref="RedisScripts.RenewMany"/>. A reply that is not one number per renewal (a
    /// script error, a proxy in between that answers something else) fails the burst with UNAVAILABLE: never
    /// a raw exception, which would end the caller's stream with UNKNOWN.
    /// </summary>
    private async Task<RedisResult[]> RenewRepliesAsync(Task<RedisResult> call, int expected)
    {
        RedisResult result;
        try
        {
            result = await call.ConfigureAwait(false);
        }
        catch (RedisException ex)
        {
            throw new RegistryStoreUnavailableException($"Redis is unavailable: {ex.Message}", ex);
        }

        var replies = result.Resp2Type == ResultType.Array ? (RedisResult[])result! : null;
        if (replies is null || replies.Length != expected)
        {
            throw new RegistryStoreUnavailableException($"Redis answered a batch of {expected} renewals with an unexpected reply ({result.Resp2Type}).");
        }

        return replies;
    }

    public async ValueTask<LeaseScan> ScanLeasesAsync(int maxLapsed, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxLapsed);
        var result = (RedisResult[])(await EvaluateAsync(RedisScripts.ScanLeases, [maxLapsed], cancellationToken).ConfigureAwait(false))!;

        // Expiries live on the lease clock (Redis time minus past outages); report them on wall time.
        var offsetMs = (long)result[2];
        var rows = (RedisResult[])result[3]!;
        var lapsed = new List<LapsedLease>(rows.Length / 4);
        for (var i = 0; i + 3 < rows.Length; i += 4)
        {
            var owner = (string)rows[i + 2]!;
            var parts = owner.Split('\n');
            if (parts.Length != 4)
            {
                // A lease in the expiry index without an owner would be a bug in the scripts; skip it
                // rather than stall every sweep on it.
                continue;
            }

            var leaseId = long.Parse((string)rows[i]!, NumberStyles.None, CultureInfo.InvariantCulture);
            var expiresMs = (long)double.Parse((string)rows[i + 1]!, NumberStyles.Float, CultureInfo.InvariantCulture);
            lapsed.Add(new LapsedLease(parts[0], leaseId, parts[1], parts[2], DateTimeOffset.FromUnixTimeMilliseconds(expiresMs + offsetMs))
            {
                Established = (long)rows[i + 3] == 1,
            });
        }

        return new LeaseScan((long)result[0], lapsed, (long)result[1])
        {
            EstablishedLeases = (long)result[4],
            EstablishedLapsed = (long)result[5],
        };
    }

    public async ValueTask<long?> EvictAsync(LapsedLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return ToRevision(await EvaluateWriteAsync(RedisScripts.Evict, [lease.Namespace, lease.LeaseId, lease.App, lease.InstanceId], cancellationToken).ConfigureAwait(false));
    }
}
