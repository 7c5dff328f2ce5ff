namespace Introspection.Registry;

/// <summary>
/// The registry's meter and instrument names, for OpenTelemetry (<c>AddMeter(RegistryMetricNames.MeterName)</c>),
/// dashboards and tests. Gauges report what the last lease sweep counted (the store is the source of
/// truth and may be shared by several nodes).
/// </summary>
public static class RegistryMetricNames
{
    /// <summary>The meter: <c>Introspection.Registry</c>.</summary>
    public const string MeterName = "Introspection.Registry";

    /// <summary>Gauge: registered instances (one lease each), as of the last sweep.</summary>
    public const string Instances = "introspection.registry.instances";

    /// <summary>Gauge: leases by <c>state</c> (<c>live</c>, <c>lapsed</c>), as of the last sweep.</summary>
    public const string Leases = "introspection.registry.leases";

    /// <summary>Gauge: 1 while eviction is paused by self-preservation, else 0.</summary>
    public const string SelfPreservation = "introspection.registry.self_preservation";

    /// <summary>Counter: successful Register calls.</summary>
    public const string Registrations = "introspection.registry.registrations";

    /// <summary>Counter: KeepAlive renewals, by <c>result</c> (<c>ok</c>, <c>not_found</c>).</summary>
    public const string Renewals = "introspection.registry.renewals";

    /// <summary>Counter: leases evicted because they lapsed.</summary>
    public const string Expirations = "introspection.registry.expirations";

    /// <summary>UpDownCounter: open Watch streams on this node.</summary>
    public const string Watchers = "introspection.registry.watchers";

    /// <summary>Counter: Watch events written to watchers (snapshot records included).</summary>
    public const string EventsPushed = "introspection.registry.events_pushed";

    /// <summary>Counter: bytes of Watch messages written to watchers.</summary>
    public const string BytesPushed = "introspection.registry.bytes_pushed";

    /// <summary>Counter: reset snapshots sent (history lost or watcher overflow).</summary>
    public const string WatchResets = "introspection.registry.watch_resets";

    /// <summary>Counter: health probes of lapsed instances before eviction, by <c>result</c> (<c>serving</c>, <c>not_serving</c>, <c>timeout</c>, <c>unreachable</c>).</summary>
    public const string Probes = "introspection.registry.probes";

    /// <summary>Counter: lapsed leases renewed by the registry because the instance's probe answered SERVING.</summary>
    public const string ProbeExtensions = "introspection.registry.probe_extensions";

    /// <summary>Counter: calls refused because they would pass a registry cap (RESOURCE_EXHAUSTED), by <c>limit</c> (the <c>Limits</c> option name).</summary>
    public const string LimitRejections = "introspection.registry.limit_rejections";

    /// <summary>Counter: apps whose (service, app) mappings were removed because the app had no instance for <c>Limits:UnmapAfter</c>.</summary>
    public const string Unmapped = "introspection.registry.unmapped_apps";

    /// <summary>Counter: registry calls refused by security (attribute <c>introspection.reason</c>: no_credentials, invalid_credentials, no_auth_configured, missing_grant, not_owner, limit).</summary>
    public const string AuthDenials = "introspection.registry.auth.denials";
}
