namespace Introspection.Registry;

/// <summary>
/// The registry's meter, activity source and instrument names, for OpenTelemetry
/// (<c>AddMeter(RegistryMetricNames.MeterName)</c>, or <c>AddIntrospectionInstrumentation()</c> of the
/// Introspection.OpenTelemetry package), dashboards and tests. Names follow OpenTelemetry's rules (no plural
/// UpDownCounters or gauges, durations as histograms in seconds, attributes under <c>introspection.</c>);
/// docs/telemetry.md has the table. Gauges report what the last lease sweep counted: the store is the source of
/// truth and may be shared by several nodes, so these values are not to be summed across nodes (hence gauges, not
/// UpDownCounters).
/// </summary>
public static class RegistryMetricNames
{
    /// <summary>The meter: <c>Introspection.Registry</c>.</summary>
    public const string MeterName = "Introspection.Registry";

    /// <summary>
    /// The activity source: <c>Introspection.Registry</c>. The registry starts no span per RPC (ASP.NET Core's
    /// server span is there already and gets <c>introspection.*</c> attributes); it traces lease evictions.
    /// </summary>
    public const string ActivitySourceName = "Introspection.Registry";

    /// <summary>Gauge: registered instances (one lease each), as of the last sweep.</summary>
    public const string Instances = "introspection.registry.instance.count";

    /// <summary>Gauge: leases by <c>introspection.lease.state</c> (<c>live</c>, <c>lapsed</c>), as of the last sweep.</summary>
    public const string Leases = "introspection.registry.lease.count";

    /// <summary>Gauge: 1 while eviction is paused by self-preservation, else 0.</summary>
    public const string SelfPreservation = "introspection.registry.self_preservation.active";

    /// <summary>Counter: successful Register calls.</summary>
    public const string Registrations = "introspection.registry.registrations";

    /// <summary>Counter: KeepAlive renewals, by <c>introspection.result</c> (<c>ok</c>, <c>not_found</c>).</summary>
    public const string Renewals = "introspection.registry.lease.renewals";

    /// <summary>Counter: leases evicted because they lapsed.</summary>
    public const string Expirations = "introspection.registry.lease.expirations";

    /// <summary>UpDownCounter: open Watch streams on this node.</summary>
    public const string Watchers = "introspection.registry.watcher.count";

    /// <summary>Counter: Watch events written to watchers (snapshot records included).</summary>
    public const string EventsPushed = "introspection.registry.watch.events";

    /// <summary>Counter: bytes of Watch messages written to watchers (<c>network.io.direction</c> = <c>transmit</c>).</summary>
    public const string BytesPushed = "introspection.registry.watch.io";

    /// <summary>Counter: reset snapshots sent (history lost or watcher overflow).</summary>
    public const string WatchResets = "introspection.registry.watch.resets";

    /// <summary>
    /// Histogram (seconds): change-to-delivered lag, from the node's change pump taking a committed change off the
    /// store's feed to the Watch message carrying it written to the watcher's stream (the coalescing window included).
    /// Recorded per message, for the oldest change in it.
    /// </summary>
    public const string DeliveryLag = "introspection.registry.watch.delivery.lag";

    /// <summary>Counter: health probes of lapsed instances before eviction, by <c>introspection.result</c> (<c>serving</c>, <c>not_serving</c>, <c>timeout</c>, <c>unreachable</c>).</summary>
    public const string Probes = "introspection.registry.probes";

    /// <summary>Counter: lapsed leases renewed by the registry because the instance's probe answered SERVING.</summary>
    public const string ProbeExtensions = "introspection.registry.probe.extensions";

    /// <summary>Counter: calls refused because they would pass a registry cap (RESOURCE_EXHAUSTED), by <c>introspection.limit</c> (the <c>Limits</c> option name).</summary>
    public const string LimitRejections = "introspection.registry.limit.rejections";

    /// <summary>Counter: apps whose (service, app) mappings were removed because the app had no instance for <c>Limits:UnmapAfter</c>.</summary>
    public const string Unmapped = "introspection.registry.unmapped_apps";

    /// <summary>Counter: registry calls refused by security (attribute <c>introspection.reason</c>: no_credentials, invalid_credentials, no_auth_configured, missing_grant, not_owner, limit).</summary>
    public const string AuthDenials = "introspection.registry.auth.denials";
}
