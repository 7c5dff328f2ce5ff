namespace Introspection.Registry.Telemetry;

/// <summary>The registry's span attribute names: the same names the client and the provider use (docs/telemetry.md).</summary>
internal static class RegistryTelemetryTags
{
    public const string Namespace = "introspection.namespace";
    public const string App = "introspection.app";
    public const string InstanceId = "introspection.instance.id";
    public const string Revision = "introspection.revision";
    public const string Service = "introspection.service";
    public const string WatchAppCount = "introspection.watch.app_count";
    public const string WatchSinceRevision = "introspection.watch.since_revision";
    public const string EvictedCount = "introspection.lease.evicted_count";
}
