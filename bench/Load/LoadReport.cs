using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Introspection.Bench.Load;

/// <summary>Everything one <c>load</c> command measured, and its renderings (Markdown, JSON, CSV).</summary>
internal sealed class LoadReport
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string Command { get; set; } = "";

    public DateTime StartedUtc { get; set; }

    public MachineInfo Machine { get; set; } = new();

    public List<LoadRunResult> Runs { get; set; } = [];

    public static LoadReport Read(string path) => JsonSerializer.Deserialize<LoadReport>(File.ReadAllText(path), s_json)!;

    public void WriteJson(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, s_json));

    public void WriteCsv(string path)
    {
        var sb = new StringBuilder();
        sb.AppendLine("instances,model,phase,duration_s,stored_bytes,stored_records,write_rpcs,re_registrations,renewals,renewals_not_found," +
            "watch_messages,watch_bytes,registry_cpu_s,peak_rss_bytes,metadata_rpcs,metadata_bytes,convergence_samples,convergence_p50_ms,convergence_p99_ms,settle_ms,unconverged_consumers,load_generator_cpu_s");
        foreach (var run in Runs)
        {
            foreach (var model in run.Models())
            {
                foreach (var p in model.Phases.Append(model.Total))
                {
                    sb.AppendLine(string.Join(',', new object[]
                    {
                        run.Instances, model.Model, p.Name, F(p.DurationSeconds), p.StoredBytes, p.StoredRecords, p.WriteRpcs, p.ReRegistrations,
                        p.Renewals, p.RenewalsNotFound, p.WatchMessages, p.WatchBytes, F(p.RegistryCpuSeconds), p.PeakRssBytes, p.MetadataRpcs,
                        p.MetadataBytes, p.ConvergenceSamples, F(p.ConvergenceP50Ms), F(p.ConvergenceP99Ms), F(p.SettleMs), p.UnconvergedConsumers, F(p.LoadGeneratorCpuSeconds),
                    }.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))));
                }
            }
        }

        File.WriteAllText(path, sb.ToString());
    }

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        foreach (var run in Runs)
        {
            sb.Append(RunMarkdown(run));
            sb.AppendLine();
        }

        if (Runs.Count > 1)
        {
            sb.AppendLine("### Sweep (totals, introspection / full)");
            sb.AppendLine();
            sb.AppendLine("| instances | stored bytes full | stored bytes intro | ratio | pushed bytes full | pushed bytes intro | ratio | registry CPU s full | registry CPU s intro | ratio | write RPCs ratio | renewals ratio |");
            sb.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var run in Runs.Where(r => r.Full is not null && r.Introspection is not null))
            {
                var f = run.Full!.Total;
                var i = run.Introspection!.Total;
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {run.Instances} | {Bytes(f.StoredBytes)} | {Bytes(i.StoredBytes)} | {Pct(run, "storedBytes")} | {Bytes(f.WatchBytes)} | {Bytes(i.WatchBytes)} | {Pct(run, "watchBytes")} | {f.RegistryCpuSeconds:F2} | {i.RegistryCpuSeconds:F2} | {Pct(run, "registryCpuSeconds")} | {Pct(run, "writeRpcs")} | {Pct(run, "renewals")} |");
            }
        }

        if (Runs.Count > 1 && Runs.Any(r => r.FullEtcd is not null && r.Introspection is not null))
        {
            sb.AppendLine();
            sb.AppendLine("### Sweep (totals, introspection / full-etcd: the full model on etcd 3.4)");
            sb.AppendLine();
            sb.AppendLine("| instances | stored bytes etcd | stored bytes intro | ratio | pushed bytes etcd | pushed bytes intro | ratio | server CPU s etcd | registry CPU s intro | ratio | write RPCs ratio | renewals ratio |");
            sb.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var run in Runs.Where(r => r.FullEtcd is not null && r.Introspection is not null))
            {
                var e = run.FullEtcd!.Total;
                var i = run.Introspection!.Total;
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {run.Instances} | {Bytes(e.StoredBytes)} | {Bytes(i.StoredBytes)} | {EtcdPct(run, "storedBytes")} | {Bytes(e.WatchBytes)} | {Bytes(i.WatchBytes)} | {EtcdPct(run, "watchBytes")} | {e.RegistryCpuSeconds:F2} | {i.RegistryCpuSeconds:F2} | {EtcdPct(run, "registryCpuSeconds")} | {EtcdPct(run, "writeRpcs")} | {EtcdPct(run, "renewals")} |");
            }
        }

        return sb.ToString();
    }

    public static string RunMarkdown(LoadRunResult run)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"### {run.Instances} instances ({run.Apps} apps × {run.InstancesPerApp}, {run.ServicesPerApp} services/app, {run.ParamsPerService} params/service, {run.Consumers} consumers × {run.AppsPerConsumer} apps, TTL {run.TtlMs} ms, scale step {run.ScaleStep}/app)");
        sb.AppendLine();
        // full-etcd's column only when it ran, so the two-model table keeps its shape.
        var withEtcd = run.FullEtcd is not null;
        sb.AppendLine(withEtcd
            ? "| total | full | full-etcd | introspection | intro / full | intro / full-etcd |"
            : "| total | full | introspection | intro / full |");
        sb.AppendLine(withEtcd ? "|---|---:|---:|---:|---:|---:|" : "|---|---:|---:|---:|");
        var f = run.Full?.Total;
        var e = run.FullEtcd?.Total;
        var i = run.Introspection?.Total;
        void Row(string label, Func<PhaseResult, string> value, string ratioKey)
        {
            var full = f is null ? "-" : value(f);
            var intro = i is null ? "-" : value(i);
            sb.AppendLine(withEtcd
                ? $"| {label} | {full} | {(e is null ? "-" : value(e))} | {intro} | {Pct(run, ratioKey)} | {EtcdPct(run, ratioKey)} |"
                : $"| {label} | {full} | {intro} | {Pct(run, ratioKey)} |");
        }
        Row("registry stored bytes (peak of phase ends)", p => Bytes(p.StoredBytes), "storedBytes");
        Row("registry stored records", p => N(p.StoredRecords), "storedRecords");
        Row("registry write RPCs", p => N(p.WriteRpcs), "writeRpcs");
        Row("lease renewals", p => N(p.Renewals), "renewals");
        Row("watch messages pushed", p => N(p.WatchMessages), "watchMessages");
        Row("watch bytes pushed", p => Bytes(p.WatchBytes), "watchBytes");
        Row("registry CPU seconds", p => p.RegistryCpuSeconds.ToString("F2", CultureInfo.InvariantCulture), "registryCpuSeconds");
        Row("registry peak RSS (VmHWM)", p => Bytes(p.PeakRssBytes), "peakRssBytes");
        Row("re-registrations after NOT_FOUND (lapsed leases)", p => N(p.ReRegistrations), "");
        Row("load generator CPU seconds (same cores)", p => p.LoadGeneratorCpuSeconds.ToString("F2", CultureInfo.InvariantCulture), "");
        Row("metadata RPCs served (bytes)", p => $"{N(p.MetadataRpcs)} ({Bytes(p.MetadataBytes)})", "");
        Row("convergence p50 / p99 ms", p => $"{p.ConvergenceP50Ms:F1} / {p.ConvergenceP99Ms:F1}", "");
        Row("wall time s", p => p.DurationSeconds.ToString("F1", CultureInfo.InvariantCulture), "");
        if (withEtcd)
        {
            sb.AppendLine();
            sb.AppendLine(
                "full-etcd: the registry rows are etcd's (" + run.FullEtcd!.ServerVersion + "), read from /proc the same way; stored bytes are keys + values; " +
                "write RPCs count LeaseGrant, Put, DeleteRange and LeaseRevoke; watch traffic includes each consumer's initial Range per service.");
        }

        sb.AppendLine();
        sb.AppendLine("| phase | model | s | stored | writes | renewals | watch msgs | watch bytes | reg CPU s | peak RSS | md RPCs | conv p50 ms | conv p99 ms | unconverged |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var phases = run.Models().First().Phases.Select(p => p.Name).ToList();
        foreach (var name in phases)
        {
            foreach (var model in run.Models())
            {
                var p = model.Phases.FirstOrDefault(x => x.Name == name);
                if (p is null)
                {
                    continue;
                }

                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {name} | {model.Model} | {p.DurationSeconds:F1} | {Bytes(p.StoredBytes)} | {N(p.WriteRpcs)} | {N(p.Renewals)} | {N(p.WatchMessages)} | {Bytes(p.WatchBytes)} | {p.RegistryCpuSeconds:F2} | {Bytes(p.PeakRssBytes)} | {N(p.MetadataRpcs)} | {p.ConvergenceP50Ms:F1} | {p.ConvergenceP99Ms:F1} | {p.UnconvergedConsumers} |");
            }
        }

        foreach (var model in run.Models())
        {
            foreach (var warning in model.Warnings)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"\n> warning ({model.Model}): {warning}");
            }
        }

        return sb.ToString();
    }

    public static Dictionary<string, double> Ratios(ModelResult full, ModelResult intro)
    {
        var result = new Dictionary<string, double>();
        void Add(string key, double f, double i)
        {
            if (f > 0)
            {
                result[key] = i / f;
            }
        }

        Add("storedBytes", full.Total.StoredBytes, intro.Total.StoredBytes);
        Add("storedRecords", full.Total.StoredRecords, intro.Total.StoredRecords);
        Add("writeRpcs", full.Total.WriteRpcs, intro.Total.WriteRpcs);
        Add("renewals", full.Total.Renewals, intro.Total.Renewals);
        Add("watchMessages", full.Total.WatchMessages, intro.Total.WatchMessages);
        Add("watchBytes", full.Total.WatchBytes, intro.Total.WatchBytes);
        Add("registryCpuSeconds", full.Total.RegistryCpuSeconds, intro.Total.RegistryCpuSeconds);
        Add("peakRssBytes", full.Total.PeakRssBytes, intro.Total.PeakRssBytes);
        return result;
    }

    private static string Pct(LoadRunResult run, string key) => Pct(run.Ratios, key);

    private static string EtcdPct(LoadRunResult run, string key) => Pct(run.EtcdRatios, key);

    private static string Pct(Dictionary<string, double> ratios, string key) =>
        key.Length > 0 && ratios.TryGetValue(key, out var r) ? (r * 100).ToString(r < 0.01 ? "F3" : "F1", CultureInfo.InvariantCulture) + " %" : "";

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    internal static string Bytes(long bytes) => bytes switch
    {
        >= 10L * 1024 * 1024 => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture) + " MiB",
        >= 10L * 1024 => (bytes / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
