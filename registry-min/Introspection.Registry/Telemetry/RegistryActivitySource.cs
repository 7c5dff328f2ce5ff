using System.Diagnostics;

namespace Introspection.Registry.Telemetry;

/// <summary>The registry's <see cref="ActivitySource"/> (<see cref="RegistryMetricNames.ActivitySourceName"/>).</summary>
internal static class RegistryActivitySource
{
    public static readonly ActivitySource Instance = new(
        RegistryMetricNames.ActivitySourceName,
        typeof(RegistryActivitySource).Assembly.GetName().Version?.ToString());

    /// <summary>A sweep evicted lapsed leases (a marker span: only sweeps that evicted something leave one).</summary>
    public const string Eviction = "introspection.registry.lease.evict";

    public static void RecordEviction(long count)
    {
        // A root span: a sweep is the registry's own timer, not part of any request.
        using var activity = Instance.StartActivity(Eviction, ActivityKind.Internal, parentContext: default(ActivityContext));
        activity?.SetTag(RegistryTelemetryTags.EvictedCount, count);
    }
}
