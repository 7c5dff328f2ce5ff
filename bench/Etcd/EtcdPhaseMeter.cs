using System.Diagnostics;
using Google.Protobuf;
using Introspection.Bench.Etcd.V3;
using Introspection.Bench.Infrastructure;
using Introspection.Bench.Load;

namespace Introspection.Bench.Etcd;

/// <summary>
/// What one full-etcd run costs, phase by phase, measured like <see cref="PhaseMeter"/> measures our
/// registry: etcd's CPU seconds from <c>/proc</c> and its peak RSS sampled every 50 ms, the same flow
/// counters, and convergence from each write's ack to each consumer's receipt. Stored bytes are the
/// keys plus values etcd holds under <c>/dubbo/</c> at the end of a phase (etcd's own per-key
/// bookkeeping, revisions and lease, is not counted, as the registry's record framing is).
/// </summary>
internal sealed class EtcdPhaseMeter
{
    // Pages of keys, so one listing never approaches etcd's or gRPC's message limits.
    private const int RangePage = 2000;

    private readonly EtcdProcess _etcd;
    private readonly LoadCounters _counters;
    private readonly EtcdPhaseScript _script;
    private readonly KV.KVClient _kv;
    private readonly List<double> _allLatencies = [];
    private readonly Stopwatch _clock = new();
    private LoadCountersSnapshot _startCounters;
    private double _startCpu;
    private TimeSpan _startSelf;

    public EtcdPhaseMeter(EtcdProcess etcd, LoadCounters counters, EtcdPhaseScript script, KV.KVClient kv)
    {
        _etcd = etcd;
        _counters = counters;
        _script = script;
        _kv = kv;
    }

    public TimeSpan Elapsed => _clock.Elapsed;

    public LoadCountersSnapshot CountersSinceBegin => _counters.Snapshot() - _startCounters;

    public void Begin()
    {
        _startCounters = _counters.Snapshot();
        _startCpu = _etcd.Read().CpuSeconds;
        _startSelf = Environment.CpuUsage.TotalTime;
        _etcd.Sampler.TakePeak();
        _clock.Restart();
    }

    public PhaseResult End(string name, int unconverged, double settleMs)
    {
        var endCpu = _etcd.Read().CpuSeconds;
        var delta = _counters.Snapshot() - _startCounters;
        var phase = new PhaseResult
        {
            Name = name,
            DurationSeconds = _clock.Elapsed.TotalSeconds,
            WriteRpcs = delta.WriteRpcs,
            ReRegistrations = delta.ReRegistrations,
            Renewals = delta.Renewals,
            RenewalsNotFound = delta.RenewalsNotFound,
            RenewalErrors = delta.RenewalErrors,
            WatchMessages = delta.WatchMessages,
            WatchBytes = delta.WatchBytes,
            WatchErrors = delta.WatchErrors,
            RegistryCpuSeconds = Math.Round(endCpu - _startCpu, 2),
            LoadGeneratorCpuSeconds = Math.Round((Environment.CpuUsage.TotalTime - _startSelf).TotalSeconds, 2),
            PeakRssBytes = _etcd.Sampler.TakePeak(),
            SettleMs = Math.Round(settleMs, 1),
            UnconvergedConsumers = unconverged,
        };
        FillConvergence(phase, CollectLatencies());
        return phase;
    }

    /// <summary>Keys + values under <c>/dubbo/</c>, and how many keys; call it after <see cref="End"/>, so listing is charged to no phase.</summary>
    public async Task<(long Bytes, long Records)> MeasureStoredAsync(CancellationToken ct)
    {
        long bytes = 0;
        long records = 0;
        var key = ByteString.CopyFromUtf8(DubboEtcdKeys.Root);
        var end = DubboEtcdKeys.RangeEnd(DubboEtcdKeys.Root);
        while (true)
        {
            var page = await _kv.RangeAsync(new RangeRequest { Key = key, RangeEnd = end, Limit = RangePage }, deadline: RpcDeadline.FromNow(), cancellationToken: ct)
                .ConfigureAwait(false);
            foreach (var kv in page.Kvs)
            {
                bytes += kv.Key.Length + kv.Value.Length;
                records++;
            }

            if (!page.More || page.Kvs.Count == 0)
            {
                return (bytes, records);
            }

            // The next page starts just after the last key: the key with a zero byte appended.
            var last = page.Kvs[^1].Key;
            var next = new byte[last.Length + 1];
            last.CopyTo(next, 0);
            key = ByteString.CopyFrom(next);
        }
    }

    /// <summary>The run's total: flows summed, levels at their largest, <paramref name="vmHwm"/> as the run's peak RSS.</summary>
    public PhaseResult Total(IReadOnlyList<PhaseResult> phases, long vmHwm)
    {
        var total = new PhaseResult
        {
            Name = "total",
            DurationSeconds = Math.Round(phases.Sum(p => p.DurationSeconds), 2),
            StoredBytes = phases.Max(p => p.StoredBytes),
            StoredRecords = phases.Max(p => p.StoredRecords),
            WriteRpcs = phases.Sum(p => p.WriteRpcs),
            ReRegistrations = phases.Sum(p => p.ReRegistrations),
            Renewals = phases.Sum(p => p.Renewals),
            RenewalsNotFound = phases.Sum(p => p.RenewalsNotFound),
            RenewalErrors = phases.Sum(p => p.RenewalErrors),
            WatchMessages = phases.Sum(p => p.WatchMessages),
            WatchBytes = phases.Sum(p => p.WatchBytes),
            WatchErrors = phases.Sum(p => p.WatchErrors),
            RegistryCpuSeconds = Math.Round(phases.Sum(p => p.RegistryCpuSeconds), 2),
            LoadGeneratorCpuSeconds = Math.Round(phases.Sum(p => p.LoadGeneratorCpuSeconds), 2),
            PeakRssBytes = vmHwm,
            SettleMs = phases.Max(p => p.SettleMs),
            UnconvergedConsumers = phases.Max(p => p.UnconvergedConsumers),
        };
        _allLatencies.Sort();
        FillConvergence(total, _allLatencies);
        return total;
    }

    private static void FillConvergence(PhaseResult phase, List<double> sorted)
    {
        phase.ConvergenceSamples = sorted.Count;
        phase.ConvergenceP50Ms = sorted.Count == 0 ? 0 : Math.Round(Stats.Percentile(sorted, 50), 2);
        phase.ConvergenceP99Ms = sorted.Count == 0 ? 0 : Math.Round(Stats.Percentile(sorted, 99), 2);
        phase.ConvergenceMaxMs = sorted.Count == 0 ? 0 : Math.Round(sorted[^1], 2);
    }

    private List<double> CollectLatencies()
    {
        var latencies = new List<double>();
        foreach (var consumer in _script.Consumers)
        {
            foreach (var (revision, timestamp) in consumer.TakeReceipts())
            {
                if (_script.Expected.TryGetAck(revision, out var ack))
                {
                    // The push can beat the ack to the driver; such a change was visible at ack time: 0.
                    latencies.Add(Math.Max(0, Stopwatch.GetElapsedTime(ack, timestamp).TotalMilliseconds));
                }
            }
        }

        latencies.Sort();
        _allLatencies.AddRange(latencies);
        return latencies;
    }
}
