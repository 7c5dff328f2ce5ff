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
internal sealed class EtcdPhaseMeter : IPhaseMeter
{
    // Pages of keys, so one listing never approaches etcd's or gRPC's message limits.
    private const int RangePage = 2000;

    private readonly EtcdProcess _etcd;
    private readonly LoadCounters _counters;
    private readonly EtcdPhaseScript _script;
    private readonly KV.KVClient _kv;
    private readonly ConvergenceRecorder _convergence = new();
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
        _convergence.FillPhase(phase, _script.Expected, _script.Consumers.Select(c => c.TakeReceipts()));
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
        var total = PhaseTotals.Sum(phases, vmHwm);
        _convergence.FillTotal(total);
        return total;
    }
}
