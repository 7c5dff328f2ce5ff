namespace Introspection.Registry.Stores;

/// <summary>A lease found lapsed by <see cref="IRegistryStore.ScanLeasesAsync"/>; the key to <see cref="IRegistryStore.EvictAsync"/>.</summary>
/// <param name="Namespace">Namespace of the instance.</param>
/// <param name="LeaseId">The lease.</param>
/// <param name="App">The app of the instance the lease keeps alive.</param>
/// <param name="InstanceId">The instance the lease keeps alive.</param>
/// <param name="ExpiredAt">When it lapsed (store clock).</param>
public sealed record LapsedLease(string Namespace, long LeaseId, string App, string InstanceId, DateTimeOffset ExpiredAt)
{
    /// <summary>Whether the lease was renewed at least once (see <see cref="LeaseScan.EstablishedLeases"/>).</summary>
    public bool Established { get; init; }
}
