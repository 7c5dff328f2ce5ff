namespace Introspection.Registry;

/// <summary>Lease TTLs and the sweeper that evicts lapsed leases.</summary>
public sealed class RegistryLeaseOptions
{
    /// <summary>TTL granted when a Register asks for 0. Default 15 s.</summary>
    public TimeSpan DefaultTtl { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Smallest TTL granted; shorter requests are raised to it. Default 3 s.</summary>
    public TimeSpan MinTtl { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Largest TTL granted; longer requests are lowered to it. Default 5 min.</summary>
    public TimeSpan MaxTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the sweeper looks for lapsed leases. Default 1 s.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most leases evicted by one sweep (the rest wait for the next). Default 10000.</summary>
    public int MaxEvictionsPerSweep { get; set; } = 10_000;

    /// <summary>Registry-initiated health probe before eviction (off by default). Section <c>Introspection:Registry:Leases:Probe</c>.</summary>
    public RegistryProbeOptions Probe { get; set; } = new();
}
