using System.Globalization;
using StackExchange.Redis;

namespace Introspection.Registry.Stores.Redis;

internal sealed partial class RedisRegistryStore
{
    public ValueTask<RenewResult> RenewAsync(string ns, long leaseId, CancellationToken cancellationToken) =>
        RenewAsync(ns, leaseId, LeaseOwnership.Anonymous, cancellationToken);

    public async ValueTask<RenewResult> RenewAsync(string ns, long leaseId, LeaseOwnership ownership, CancellationToken cancellationToken)
    {
        // The owner comparison is inside the script: ownership costs no extra round trip per renewal.
        var ttlMs = (long)await EvaluateWriteAsync(RedisScripts.Renew, [ns, leaseId, ownership.RequiredOwner ?? string.Empty], cancellationToken).ConfigureAwait(false);
        return ttlMs < 0 ? RenewResult.NotFound : new RenewResult(true, TimeSpan.FromMilliseconds(ttlMs));
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
