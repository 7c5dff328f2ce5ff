namespace Introspection.Bench.Capacity;

/// <summary>
/// The registry's .NET runtime figures at one moment, from its /metrics (the <c>System.Runtime</c> meter).
/// Null members: the registry did not expose them (an older build, or the meter not enabled).
/// </summary>
internal sealed record RuntimeMetricsSample(double? HeapBytes, double? GcPauseSeconds, double? Gen0Collections, double? Gen1Collections, double? Gen2Collections)
{
    public static readonly RuntimeMetricsSample None = new(null, null, null, null, null);

    /// <summary>GC pause time between <paramref name="before"/> and this sample, in milliseconds.</summary>
    public double? PauseMsSince(RuntimeMetricsSample before) =>
        GcPauseSeconds is { } now && before.GcPauseSeconds is { } then ? Math.Round((now - then) * 1000, 1) : null;

    /// <summary>Collections of every generation between <paramref name="before"/> and this sample.</summary>
    public string CollectionsSince(RuntimeMetricsSample before) =>
        Gen0Collections is null || before.Gen0Collections is null
            ? "n/a"
            : $"{Gen0Collections - before.Gen0Collections:F0}/{Gen1Collections - before.Gen1Collections:F0}/{Gen2Collections - before.Gen2Collections:F0}";
}
