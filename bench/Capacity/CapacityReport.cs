using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Introspection.Bench.Load;

namespace Introspection.Bench.Capacity;

/// <summary>Everything one <c>capacity</c> command measured.</summary>
internal sealed class CapacityReport
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string Command { get; set; } = "";

    public DateTime StartedUtc { get; set; }

    public MachineInfo Machine { get; set; } = new();

    public List<StoreCapacityResult> Stores { get; set; } = [];

    public static CapacityReport Read(string path) => JsonSerializer.Deserialize<CapacityReport>(File.ReadAllText(path), s_json)!;

    public void WriteJson(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, s_json));

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine("| measure | " + string.Join(" | ", Stores.Select(s => s.Store + " store")) + " | etcd 3.4 as a registry (issue, context only) | ambition (memory store) |");
        sb.AppendLine("|---|" + string.Concat(Stores.Select(_ => "---:|")) + "---:|---:|");
        void Row(string label, Func<StoreCapacityResult, string> value, string etcd, string ambition) =>
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {string.Join(" | ", Stores.Select(s => s.Error is null ? value(s) : "n/a"))} | {etcd} | {ambition} |");
        Row("live instances registered", s => $"{s.RegistrationsOk:N0} ({s.RegistrationErrors} errors)", "", "");
        Row("registrations / s", s => $"{s.RegistrationsPerSecond:N0}", "~1,000", "≥ 20,000");
        Row("registry CPU per registration", s => Ms(s.RegistryCpuMsPerRegistration) + (s.Store == "redis" ? $" (+ redis {Ms(s.RedisCpuMsPerRegistration)})" : ""), "0.6–0.8 ms", "");
        Row("renewals / s (all instances live)", s => $"{s.RenewalsPerSecond:N0}", "10–14k", "≥ 50,000");
        Row("registry CPU per renewal", s => Ms(s.RegistryCpuMsPerRenewal) + (s.Store == "redis" ? $" (+ redis {Ms(s.RedisCpuMsPerRenewal)})" : ""), "~0.1 ms", "");
        Row("resident memory per instance (RSS delta)", s => $"{s.RegistryRssBytesPerInstance:N0} B" + (s.Store == "redis" ? $" (+ redis {s.RedisRssBytesPerInstance:N0} B)" : ""), "~1.1 KB heap", "≤ 500 B");
        Row("fan-out change → delivered p50 / p99 (from send)", s => $"{s.FanoutP50MsFromSend:F1} / {s.FanoutP99MsFromSend:F1} ms", "p99 ≈ 33 ms", "p99 ≤ 20 ms");
        Row("fan-out p50 / p99 from the write's ack", s => $"{s.FanoutP50MsFromAck:F1} / {s.FanoutP99MsFromAck:F1} ms", "", "");
        Row("deliveries (watchers × changes)", s => $"{s.Deliveries:N0} / {s.ExpectedDeliveries:N0}", "", "");
        Row("registry CPU per change fanned out", s => Ms(s.RegistryCpuMsPerChange) + $" ({s.RegistryCpuUsPerDelivery:F1} µs per delivery)", "", "");
        Row("CPU s registry / load generator during registration", s => $"{s.RegistryCpuSecondsRegistration:F1} / {s.LoadGeneratorCpuSecondsRegistration:F1} (of {s.RegistrationSeconds:F1} s × {Machine.ProcessorCount} cores)", "", "");
        Row("CPU s registry / load generator during renewals", s => $"{s.RegistryCpuSecondsRenewal:F1} / {s.LoadGeneratorCpuSecondsRenewal:F1} (of {s.RenewalSeconds:F1} s × {Machine.ProcessorCount} cores)", "", "");
        Row("registry peak RSS (VmHWM)", s => LoadReport.Bytes(s.PeakRssBytes), "", "");
        foreach (var s in Stores)
        {
            if (s.Error is not null)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"\n> {s.Store} store not measured: {s.Error}");
            }

            foreach (var w in s.Warnings)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"\n> warning ({s.Store}): {w}");
            }
        }

        return sb.ToString();
    }

    private static string Ms(double ms) => ms.ToString(ms < 0.01 ? "F4" : "F3", CultureInfo.InvariantCulture) + " ms";
}
