namespace Introspection.Registry;

/// <summary>
/// Self-preservation (Eureka's lesson): when an unusual share of leases lapses at once, the likely
/// culprit is the registry's own network, not the instances, so the registry stops evicting and
/// says so (warning log, health service <c>introspection.registry.v1.Registry.Eviction</c> NOT_SERVING,
/// metric <c>introspection.registry.self_preservation</c> = 1) until renewals recover.
/// Only <em>established</em> leases count (renewed at least once since granted, as Eureka counts
/// expected renewals from established instances): a lease that never renewed is a failed start, and
/// a flood of such registrations from one client must neither pause eviction nor dilute the share.
/// </summary>
public sealed class RegistrySelfPreservationOptions
{
    /// <summary>Whether eviction may pause at all. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Eviction pauses when more than this share of the established leases lapses within one <see cref="Window"/>
    /// (evicted in the window plus lapsed now, over leases now plus evicted in the window; established
    /// leases only).
    /// Eviction resumes once the lapsed share is at or below it again. Default 0.5.
    /// </summary>
    public double Threshold { get; set; } = 0.5;

    /// <summary>The window over which lapses are counted. Default 30 s.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Below this many established leases the registry never pauses: in a tiny registry one lapse is already a
    /// large share, and pausing would keep dead instances forever. Default 10.
    /// </summary>
    public int MinimumLeases { get; set; } = 10;

    /// <summary>While paused, the warning is repeated this often. Default 30 s.</summary>
    public TimeSpan WarningInterval { get; set; } = TimeSpan.FromSeconds(30);
}
