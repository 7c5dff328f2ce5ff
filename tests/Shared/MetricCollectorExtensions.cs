using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Introspection.Testing;

public static class MetricCollectorExtensions
{
    /// <summary>The sum of every value the counter recorded since the collector was created.</summary>
    public static long Total(this MetricCollector<long> collector) =>
        collector.GetMeasurementSnapshot().Sum(m => m.Value);

    /// <summary>The sum of the values recorded with tag <paramref name="tag"/> = <paramref name="value"/>.</summary>
    public static long Total(this MetricCollector<long> collector, string tag, object? value) =>
        collector.GetMeasurementSnapshot().Where(m => m.Tags.TryGetValue(tag, out var v) && Equals(v, value)).Sum(m => m.Value);
}
