namespace Introspection.Registry.Stores;

/// <summary>Answer of <see cref="IRegistryStore.ScanLeasesAsync"/>.</summary>
/// <param name="TotalLeases">Every lease in the store, lapsed or not (one per instance).</param>
/// <param name="Lapsed">Lapsed leases, oldest expiry first, at most the number asked for.</param>
/// <param name="TotalLapsed">How many leases are lapsed in all (may exceed <c>Lapsed.Count</c>).</param>
public sealed record LeaseScan(long TotalLeases, IReadOnlyList<LapsedLease> Lapsed, long TotalLapsed);
