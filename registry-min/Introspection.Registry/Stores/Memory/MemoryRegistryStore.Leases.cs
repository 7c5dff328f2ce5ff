namespace Introspection.Registry.Stores.Memory;

internal sealed partial class MemoryRegistryStore
{
    public ValueTask<LeaseScan> ScanLeasesAsync(int maxLapsed, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxLapsed);
        lock (_lock)
        {
            // A linear scan once per sweep interval: ~1 ms per 100k leases, cheaper to keep right
            // than an expiry index that every renewal would have to update.
            var nowTicks = _timeProvider.GetUtcNow().UtcTicks;
            var lapsed = new List<LapsedLease>();
            long totalLapsed = 0;
            long established = 0;
            long establishedLapsed = 0;
            foreach (var lease in _leases)
            {
                if (lease.Renewed)
                {
                    established++;
                }

                if (lease.ExpiresAtUtcTicks <= nowTicks)
                {
                    totalLapsed++;
                    if (lease.Renewed)
                    {
                        establishedLapsed++;
                    }

                    lapsed.Add(new LapsedLease(lease.App.Namespace, lease.LeaseId, lease.App.Name, lease.InstanceId, lease.ExpiresAt) { Established = lease.Renewed });
                }
            }

            lapsed.Sort(static (x, y) => x.ExpiredAt.CompareTo(y.ExpiredAt));
            if (lapsed.Count > maxLapsed)
            {
                lapsed.RemoveRange(maxLapsed, lapsed.Count - maxLapsed);
            }

            return ValueTask.FromResult(new LeaseScan(_leases.Count, lapsed, totalLapsed) { EstablishedLeases = established, EstablishedLapsed = establishedLapsed });
        }
    }

    public ValueTask<long?> EvictAsync(LapsedLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        lock (_lock)
        {
            if (!_leasesById.TryGetValue(lease.LeaseId, out var current)
                || !string.Equals(current.App.Namespace, lease.Namespace, StringComparison.Ordinal)
                || !string.Equals(current.App.Name, lease.App, StringComparison.Ordinal)
                || !string.Equals(current.InstanceId, lease.InstanceId, StringComparison.Ordinal)
                || current.ExpiresAtUtcTicks > _timeProvider.GetUtcNow().UtcTicks
                || !TryGetInstance(lease.Namespace, lease.App, lease.InstanceId, out var slot)
                || !ReferenceEquals(slot, current))
            {
                return ValueTask.FromResult<long?>(null);
            }

            return ValueTask.FromResult<long?>(RemoveInstance(lease.Namespace, slot));
        }
    }
}
