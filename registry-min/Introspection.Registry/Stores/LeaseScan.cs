namespace Introspection.Registry.Stores;

/// <summary>Answer of <see cref="IRegistryStore.ScanLeasesAsync"/>.</summary>
/// <param name="TotalLeases">Every lease in the store, lapsed or not (one per instance).</param>
/// <param name="Lapsed">Lapsed leases, oldest expiry first, at most the number asked for.</param>
/// <param name="TotalLapsed">How many leases are lapsed in all (may exceed <c>Lapsed.Count</c>).</param>
public sealed record LeaseScan(long TotalLeases, IReadOnlyList<LapsedLease> Lapsed, long TotalLapsed)
{
    /// <summary>
    /// Leases renewed at least once since they were granted (lapsed or not). Self-preservation counts
    /// only these: a lease that never renewed is a failed start, not an instance a partition cut off.
    /// </summary>
    public long EstablishedLeases { get; init; }

    /// <summary>How many of <see cref="EstablishedLeases"/> are lapsed.</summary>
    public long EstablishedLapsed { get; init; }
}
