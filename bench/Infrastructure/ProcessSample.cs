namespace Introspection.Bench.Infrastructure;

/// <summary>One reading of a process's counters from <c>/proc</c>.</summary>
/// <param name="CpuSeconds">User + system CPU time since the process started.</param>
/// <param name="RssBytes">Current resident set (VmRSS).</param>
/// <param name="PeakRssBytes">Peak resident set since start (VmHWM).</param>
internal readonly record struct ProcessSample(double CpuSeconds, long RssBytes, long PeakRssBytes);
