namespace Introspection.Registry;

/// <summary>
/// Registry settings, bound from the configuration section <see cref="SectionName"/>
/// (appsettings.json, environment <c>Introspection__Registry__Leases__DefaultTtl</c>, command line
/// <c>--Introspection:Registry:Leases:DefaultTtl=00:00:10</c>).
/// </summary>
public sealed class RegistryOptions
{
    /// <summary>The configuration section: <c>Introspection:Registry</c> (beside <c>Introspection:Provider</c> and <c>Introspection:Client</c>).</summary>
    public const string SectionName = "Introspection:Registry";

    /// <summary>
    /// The store: <c>memory</c> (default: embedded, single node, state lost on restart) or
    /// <c>redis</c> (stateless registry nodes sharing one Redis; settings under <c>Introspection:Registry:Redis</c>).
    /// </summary>
    public string Store { get; set; } = "memory";

    /// <summary>
    /// How long a stopping registry waits for in-flight calls before it aborts them. Watch and
    /// KeepAlive streams are ended at once with UNAVAILABLE; this bounds clients that keep their
    /// side of a stream open regardless. Default 5 s. It becomes the host's
    /// <c>HostOptions.ShutdownTimeout</c>, whether set through configuration
    /// (<c>Introspection:Registry:ShutdownTimeout</c>) or the configure delegate of <c>AddIntrospectionRegistry</c>.
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

    /// <summary>
    /// Authentication (API keys, JWT bearer, client certificates), grants, and the secure default. Section
    /// <c>Introspection:Registry:Security</c>. Nothing configured: anonymous full access, allowed only on loopback
    /// unless <see cref="RegistrySecurityOptions.AllowAnonymous"/>.
    /// </summary>
    public RegistrySecurityOptions Security { get; set; } = new();

    /// <summary>The operator dashboard (<c>MapIntrospectionDashboard</c>): on by default only when every listen address is loopback.</summary>
    public RegistryDashboardOptions Dashboard { get; set; } = new();
}
