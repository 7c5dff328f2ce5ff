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
        Row("managed heap per instance (after the last GC)", s => s.HeapBytesPerInstance is { } h ? $"{h:N0} B" : "n/a", "", "");
        Row("GC pause during registration (collections gen0/1/2)", s => s.RegistrationGcPauseMs is { } p ? $"{p:F0} ms ({s.RegistrationGcCollections})" : "n/a", "", "");
        Row("renewals / s (all instances live)", s => $"{s.RenewalsPerSecond:N0}", "10–14k", "≥ 50,000");
        Row("registry CPU per renewal", s => Ms(s.RegistryCpuMsPerRenewal) + (s.Store == "redis" ? $" (+ redis {Ms(s.RedisCpuMsPerRenewal)})" : ""), "~0.1 ms", "");
        Row("GC pause during renewals", s => s.RenewalGcPauseMs is { } p ? $"{p:F0} ms" : "n/a", "", "");
        Row("paced renewals / s (every instance each TTL/3) of asked", s => s.PacedRenewTtlMs == 0 ? "not run" : $"{s.PacedRenewalsPerSecond:N0} of {s.PacedRenewTargetPerSecond:N0} (TTL {s.PacedRenewTtlMs} ms)", "", "");
        Row("paced renewals: lapses, longest gap, registry CPU each, GC pause", s => s.PacedRenewTtlMs == 0 ? "not run" : $"{s.PacedRenewLapses:N0}, {s.PacedRenewMaxGapMs:F0} ms, {Ms(s.PacedRenewRegistryCpuMsPerRenewal)}, " + (s.PacedRenewGcPauseMs is { } p ? $"{p:F0} ms" : "n/a"), "", "");
        Row("resident memory per instance (RSS delta)", s => $"{s.RegistryRssBytesPerInstance:N0} B" + (s.Store == "redis" ? $" (+ redis {s.RedisRssBytesPerInstance:N0} B)" : ""), "~1.1 KB heap", "≤ 500 B");
        Row("registry RSS per open watch stream", s => $"{s.RssBytesPerWatcher:N0} B", "", "");
        Row("fan-out change → delivered p50 / p99 (from send)", s => $"{s.FanoutP50MsFromSend:F1} / {s.FanoutP99MsFromSend:F1} ms", "p99 ≈ 33 ms", "p99 ≤ 20 ms");
        Row("fan-out p50 / p99 from the write's ack", s => $"{s.FanoutP50MsFromAck:F1} / {s.FanoutP99MsFromAck:F1} ms", "", "");
        Row("deliveries (watchers × changes)", s => $"{s.Deliveries:N0} / {s.ExpectedDeliveries:N0}", "", "");
        Row("registry CPU per change fanned out", s => Ms(s.RegistryCpuMsPerChange) + $" ({s.RegistryCpuUsPerDelivery:F1} µs per delivery)", "", "");
        Row("CPU s registry / load generator during registration", s => $"{s.RegistryCpuSecondsRegistration:F1} / {s.LoadGeneratorCpuSecondsRegistration:F1} (of {s.RegistrationSeconds:F1} s × {Machine.ProcessorCount} cores)", "", "");
        Row("CPU s registry / load generator during renewals", s => $"{s.RegistryCpuSecondsRenewal:F1} / {s.LoadGeneratorCpuSecondsRenewal:F1} (of {s.RenewalSeconds:F1} s × {Machine.ProcessorCount} cores)", "", "");
        Row("registry peak RSS (VmHWM)", s => LoadReport.Bytes(s.PeakRssBytes), "", "");
        foreach (var s in Stores.Where(s => s.Error is null && s.Sizes.Count > 0))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"\n{s.Store} store, memory as it grows (marginal: growth since the previous size / instances added):\n");
            sb.AppendLine("| live instances | RSS / instance | marginal RSS / instance | heap / instance | marginal heap / instance | registrations / s | registry CPU / registration | GC pause (gen0/1/2) |");
            sb.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var p in s.Sizes)
            {
                var pause = p.GcPauseMs is { } ms ? string.Create(CultureInfo.InvariantCulture, $"{ms:F0} ms ({p.GcCollections})") : "n/a";
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {p.LiveInstances:N0} | {p.RssBytesPerInstance:N0} B | {p.MarginalRssBytesPerInstance:N0} B | {Bytes(p.HeapBytesPerInstance)} | {Bytes(p.MarginalHeapBytesPerInstance)} | {p.RegistrationsPerSecond:N0} | {Ms(p.RegistryCpuMsPerRegistration)} | {pause} |");
            }
        }

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

    private static string Bytes(double? bytes) => bytes is { } b ? b.ToString("N0", CultureInfo.InvariantCulture) + " B" : "n/a";

    private static string Ms(double ms) => ms.ToString(ms < 0.01 ? "F4" : "F3", CultureInfo.InvariantCulture) + " ms";
}
