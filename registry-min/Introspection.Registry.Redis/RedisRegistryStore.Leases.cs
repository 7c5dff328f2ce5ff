using System.Globalization;
using StackExchange.Redis;

namespace Introspection.Registry.Stores.Redis;

internal sealed partial class RedisRegistryStore
{
    /// <summary>
    /// Renewals per <see cref="RedisScripts.RenewMany"/> call: a script blocks every other client of Redis
    /// while it runs, so a huge burst goes as several pipelined calls of a few hundred microseconds each.
    /// </summary>
    internal const int RenewsPerScript = 256;

    public ValueTask<RenewResult> RenewAsync(string ns, long leaseId, CancellationToken cancellationToken) =>
        RenewAsync(ns, leaseId, LeaseOwnership.Anonymous, cancellationToken);

    public async ValueTask<RenewResult> RenewAsync(string ns, long leaseId, LeaseOwnership ownership, CancellationToken cancellationToken)
    {
        // The owner comparison is inside the script: ownership costs no extra round trip per renewal.
        var ttlMs = (long)await EvaluateWriteAsync(RedisScripts.Renew, [ns, leaseId, ownership.RequiredOwner ?? string.Empty], cancellationToken).ConfigureAwait(false);
        return ttlMs < 0 ? RenewResult.NotFound : new RenewResult(true, TimeSpan.FromMilliseconds(ttlMs));
    }

    /// <summary>
    /// One <see cref="RedisScripts.RenewMany"/> per <see cref="RenewsPerScript"/> renewals of the burst, the
    /// calls pipelined: a KeepAlive burst costs one round trip instead of one per lease. Each renewal is
    /// checked exactly as <see cref="RenewAsync(string, long, LeaseOwnership, CancellationToken)"/> checks it.
    /// </summary>
    public async ValueTask<IReadOnlyList<RenewResult>> RenewBatchAsync(IReadOnlyList<LeaseRenewal> renewals, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(renewals);
        var results = new RenewResult[renewals.Count];
        if (results.Length == 0)
        {
            return results;
        }

        var calls = new Task<RedisResult>[(results.Length + RenewsPerScript - 1) / RenewsPerScript];
        for (var call = 0; call < calls.Length; call++)
        {
            var first = call * RenewsPerScript;
            var count = Math.Min(RenewsPerScript, results.Length - first);
            var args = new RedisValue[count * 3];
            for (var i = 0; i < count; i++)
            {
                var renewal = renewals[first + i];
                args[i * 3] = renewal.Namespace;
                args[(i * 3) + 1] = renewal.LeaseId;
                args[(i * 3) + 2] = renewal.Ownership.RequiredOwner ?? string.Empty;
            }

            calls[call] = EvaluateWriteAsync(RedisScripts.RenewMany, args, cancellationToken);
        }

        for (var call = 0; call < calls.Length; call++)
        {
            var first = call * RenewsPerScript;
            var replies = await RenewRepliesAsync(calls[call], Math.Min(RenewsPerScript, results.Length - first)).ConfigureAwait(false);
            for (var i = 0; i < replies.Length; i++)
            {
                var ttlMs = (long)replies[i];
                results[first + i] = ttlMs < 0 ? RenewResult.NotFound : new RenewResult(true, TimeSpan.FromMilliseconds(ttlMs));
            }
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
