using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Introspection.Bench.Load;

namespace Introspection.Bench.RedisScale;

/// <summary>The whole <c>redis-scale</c> run: every node count, as JSON and as a Markdown table with the ceiling arithmetic.</summary>
internal sealed class RedisScaleReport
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

    /// <summary>The registry's default lease TTL, which the ceiling is stated for.</summary>
    public double DefaultTtlSeconds { get; set; }

    public List<RedisScaleResult> Runs { get; set; } = [];

    public static RedisScaleReport Read(string path) =>
        JsonSerializer.Deserialize<RedisScaleReport>(File.ReadAllText(path), s_json) ?? throw new InvalidOperationException($"{path} holds no report");

    public void WriteJson(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, s_json));

    /// <summary>
    /// Live instances one registry on one Redis keeps renewed: each instance renews every TTL/3, so
    /// renewals/s = instances / (TTL/3), i.e. instances = renewals/s × TTL/3.
    /// </summary>
    public static double Ceiling(double renewalsPerSecond, double ttlSeconds) => Math.Floor(renewalsPerSecond * ttlSeconds / 3);

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        md.AppendLine(ci, $"redis-scale, {Machine.CpuModel} ({Machine.ProcessorCount} cores), started {StartedUtc:u}");
        md.AppendLine();
        md.AppendLine("| nodes | phase | ops/s | registry CPU µs/op (all nodes) | Redis CPU µs/op | Redis CPU utilization | failed |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var run in Runs)
        {
            if (run.Error is not null)
            {
                md.AppendLine(ci, $"| {run.Nodes} | error: {run.Error} | | | | | |");
                continue;
            }

            foreach (var (name, phase) in new[] { ("registrations", run.Registration), ("single-lease renewals", run.SingleLeaseRenewal), ("burst renewals", run.BurstRenewal) })
            {
                if (phase is not null)
                {
                    md.AppendLine(ci, $"| {run.Nodes} | {name} | {phase.PerSecond:F0} | {phase.RegistryCpuUsPerOp:F1} | {phase.RedisCpuUsPerOp:F1} | {phase.RedisCpuUtilization:F2} | {phase.Failed} |");
                }
            }
        }

        if (Runs.FirstOrDefault(r => r.Nodes == 1 && r.Error is null) is { } one)
        {
            md.AppendLine();
            md.AppendLine(ci, $"Ceiling of one registry on one Redis at the default TTL of {DefaultTtlSeconds:F0} s (each instance renews every TTL/3 = {DefaultTtlSeconds / 3:F0} s, so instances = renewals/s × TTL/3):");
            foreach (var (name, phase) in new[] { ("single-lease", one.SingleLeaseRenewal), ("burst", one.BurstRenewal) })
            {
                if (phase is not null)
                {
                    md.AppendLine(ci, $"- {name}: {phase.PerSecond:F0} renewals/s × {DefaultTtlSeconds / 3:F0} s = {Ceiling(phase.PerSecond, DefaultTtlSeconds):F0} live instances (Redis at {phase.RedisCpuUtilization:P0} of one core).");
                }
            }
        }

        foreach (var run in Runs.Where(r => r.Warnings.Count > 0))
        {
            md.AppendLine(ci, $"- warnings ({run.Nodes} nodes): {string.Join("; ", run.Warnings)}");
        }

        return md.ToString();
    }
}
