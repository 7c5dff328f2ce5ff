using System.Globalization;
using System.Text;
using System.Text.Json;
using Introspection.Bench.Load;

namespace Introspection.Bench.Etcd.Compare;

/// <summary>Every round of one <c>etcd-compare</c> command, and its Markdown (per round, then medians and etcd / registry ratios).</summary>
internal sealed class CompareReport
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public string Command { get; set; } = "";

    public DateTime StartedUtc { get; set; }

    public MachineInfo Machine { get; set; } = new();

    public string EtcdVersion { get; set; } = "";

    public double LoadAverageAtStart { get; set; }

    public List<CompareResult> Results { get; set; } = [];

    public static CompareReport Read(string path) => JsonSerializer.Deserialize<CompareReport>(File.ReadAllText(path), s_json)!;

    public void WriteJson(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, s_json));

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"### Registry vs {EtcdVersion} ({Machine.CpuModel}, {Machine.ProcessorCount} cores, load average {LoadAverageAtStart:F1} at start)");
        sb.AppendLine();
        sb.AppendLine("| round | server | registrations/s | CPU µs / registration | renewals/s | CPU µs / renewal | RSS B / instance | first delivery p50 / p99 ms | all deliveries p50 / p99 ms | CPU ms / change | delivered |");
        sb.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in Results)
        {
            sb.AppendLine(r.Error is not null
                ? $"| {r.Round} | {r.Server} | failed: {r.Error} | | | | | | | | |"
                : string.Create(CultureInfo.InvariantCulture,
                    $"| {r.Round} | {r.Server} | {r.RegistrationsPerSecond:N0} | {r.CpuMicrosPerRegistration:F0} | {r.RenewalsPerSecond:N0} | {r.CpuMicrosPerRenewal:F1} | {r.RssBytesPerInstance:N0} | {r.FirstDeliveryP50Ms:F1} / {r.FirstDeliveryP99Ms:F1} | {r.AllDeliveriesP50Ms:F1} / {r.AllDeliveriesP99Ms:F1} | {r.CpuMillisPerChange:F2} | {r.Deliveries:N0} / {r.ExpectedDeliveries:N0} |"));
        }

        var registry = Results.Where(r => r.Server == "registry" && r.Error is null).ToList();
        var etcd = Results.Where(r => r.Server == "etcd" && r.Error is null).ToList();
        if (registry.Count > 0 && etcd.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("| median of rounds | registry | etcd | registry / etcd |");
            sb.AppendLine("|---|---:|---:|---:|");
            void Row(string label, Func<CompareResult, double> value, string format)
            {
                var a = Median(registry.Select(value));
                var b = Median(etcd.Select(value));
                var ratio = b == 0 ? "" : (a / b).ToString("F2", CultureInfo.InvariantCulture);
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {a.ToString(format, CultureInfo.InvariantCulture)} | {b.ToString(format, CultureInfo.InvariantCulture)} | {ratio} |");
            }

            Row("registrations/s", r => r.RegistrationsPerSecond, "N0");
            Row("server CPU µs / registration", r => r.CpuMicrosPerRegistration, "F0");
            Row("renewals/s (one lease per message)", r => r.RenewalsPerSecond, "N0");
            Row("server CPU µs / renewal", r => r.CpuMicrosPerRenewal, "F1");
            Row("RSS bytes / instance", r => r.RssBytesPerInstance, "N0");
            Row("first delivery p50 ms", r => r.FirstDeliveryP50Ms, "F1");
            Row("first delivery p99 ms", r => r.FirstDeliveryP99Ms, "F1");
            Row("all deliveries p50 ms", r => r.AllDeliveriesP50Ms, "F1");
            Row("all deliveries p99 ms", r => r.AllDeliveriesP99Ms, "F1");
            Row("server CPU ms / change (to every watcher)", r => r.CpuMillisPerChange, "F2");
        }

        return sb.ToString();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
