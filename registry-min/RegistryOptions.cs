namespace Introspection.Registry;

/// <summary>
/// Registry settings, bound from the configuration section <see cref="SectionName"/>
/// (appsettings.json, environment <c>Registry__Leases__DefaultTtl</c>, command line
/// <c>--Registry:Leases:DefaultTtl=00:00:10</c>).
/// </summary>
public sealed class RegistryOptions
{
    /// <summary>The configuration section: <c>Registry</c>.</summary>
    public const string SectionName = "Registry";

    /// <summary>The store: <c>memory</c> (default, single node). Others are added by later store implementations.</summary>
    public string Store { get; set; } = "memory";

    /// <summary>
    /// How long a stopping registry waits for in-flight calls before it aborts them. Watch and
    /// KeepAlive streams are ended at once with UNAVAILABLE; this bounds clients that keep their
    /// side of a stream open regardless. Default 5 s. Read from configuration
    /// (<c>Registry:ShutdownTimeout</c>) when the host is built; the configure delegate of
    /// <c>AddIntrospectionRegistry</c> does not change it (set <c>HostOptions.ShutdownTimeout</c> instead).
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Lease TTLs and the sweeper.</summary>
    public RegistryLeaseOptions Leases { get; set; } = new();

    /// <summary>When eviction pauses because too many leases lapse at once.</summary>
    public RegistrySelfPreservationOptions SelfPreservation { get; set; } = new();

    /// <summary>Watch streams: coalescing and per-watcher queues.</summary>
    public RegistryWatchOptions Watch { get; set; } = new();

    /// <summary>How much change history the store keeps for watchers that resume.</summary>
    public RegistryHistoryOptions History { get; set; } = new();

    /// <summary>Size limits of stored records.</summary>
    public RegistryLimitsOptions Limits { get; set; } = new();
}
