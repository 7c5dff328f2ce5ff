using Google.Protobuf;
using System.Diagnostics;
using Introspection.Bench.Infrastructure;
using Introspection.Protocol.Registry.V1;
using RegistryClient = Introspection.Protocol.Registry.V1.Registry.RegistryClient;

namespace Introspection.Bench.Load;

/// <summary>
/// What one model run costs, phase by phase: registry CPU (from <c>/proc</c>) and peak RSS (sampled),
/// the load generator's own CPU, the flow counters, metadata served, convergence latency, and the
/// bytes the registry stores. It only reads; <see cref="PhaseScript"/> decides what happens.
/// Phases are measured one at a time: <see cref="Begin"/>, then <see cref="End"/>.
/// </summary>
internal sealed class PhaseMeter : IPhaseMeter
{
    private readonly RegistryProcess _registry;
    private readonly LoadCounters _counters;
    private readonly MetadataCatalog _metadata;
    private readonly PhaseScript _script;
    private readonly RegistryClient _client;
    private readonly LoadOptions _options;
    private readonly ConvergenceRecorder _convergence = new();
    private readonly Stopwatch _clock = new();
    private LoadCountersSnapshot _startCounters;
    private double _startCpu;
    private TimeSpan _startSelf;
    private long _startServed;
    private long _startServedBytes;

    /// <summary>Measures through <paramref name="client"/> only the stored state, after a phase's CPU reading.</summary>
    public PhaseMeter(RegistryProcess registry, LoadCounters counters, MetadataCatalog metadata, PhaseScript script, RegistryClient client, LoadOptions options)
    {
        _registry = registry;
        _counters = counters;
        _metadata = metadata;
        _script = script;
        _client = client;
        _options = options;
    }

    /// <summary>Time since the current phase began.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>The counters' growth since the current phase began.</summary>
    public LoadCountersSnapshot CountersSinceBegin => _counters.Snapshot() - _startCounters;

    /// <summary>Takes the readings a phase's figures are differences from.</summary>
    public void Begin()
    {
        _startCounters = _counters.Snapshot();
        _startCpu = _registry.Read().CpuSeconds;
        _startSelf = Environment.CpuUsage.TotalTime;
        _startServed = Interlocked.Read(ref _metadata.Served);
        _startServedBytes = Interlocked.Read(ref _metadata.ServedBytes);
        // Starts a new peak interval, so the phase's peak is its own.
        _registry.Sampler.TakePeak();
        _clock.Restart();
    }

    /// <summary>
    /// The phase's figures since <see cref="Begin"/>, stored bytes aside (<see cref="MeasureStoredAsync"/>);
    /// <paramref name="unconverged"/> and <paramref name="settleMs"/> are how the convergence wait ended.
    /// </summary>
    public PhaseResult End(string name, int unconverged, double settleMs)
    {
        var endCpu = _registry.Read().CpuSeconds;
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
            PeakRssBytes = _registry.Sampler.TakePeak(),
            MetadataRpcs = Interlocked.Read(ref _metadata.Served) - _startServed,
            MetadataBytes = Interlocked.Read(ref _metadata.ServedBytes) - _startServedBytes,
            MetadataFetchErrors = delta.MetadataFetchErrors,
            SettleMs = Math.Round(settleMs, 1),
            UnconvergedConsumers = unconverged,
        };
        _convergence.FillPhase(phase, _script.Expected, _script.Consumers.Select(c => c.TakeReceipts()));
        return phase;
    }

    /// <summary>
    /// The registry's stored state as it serves it to a reader that asks for the compact form
    /// (protocol/COMPACT.md, as every consumer and the CLI do): every instance record (with its labels)
    /// as listed compact, plus each app's table entries (the app name and revisions its instances share,
    /// sent once per app), plus every service -> app mapping row, by serialized protobuf size. Call it
    /// after <see cref="End"/>, so listing everything is charged to no phase.
    /// </summary>
    public async Task<(long Bytes, long Records)> MeasureStoredAsync(CancellationToken ct)
    {
        long bytes = 0;
        long records = 0;
        var apps = await _client.ListAppsAsync(new ListAppsRequest { Namespace = PhaseScript.Namespace }, deadline: RpcDeadline.FromNow(), cancellationToken: ct).ConfigureAwait(false);
        foreach (var app in apps.Apps)
        {
            var list = await _client.ListInstancesAsync(
                new ListInstancesRequest { Namespace = PhaseScript.Namespace, App = app.App, Compact = true }, deadline: RpcDeadline.FromNow(), cancellationToken: ct).ConfigureAwait(false);
            foreach (var instance in list.Instances)
            {
                bytes += instance.CalculateSize();
                records++;
            }

            // The tables are part of what is served for these records: one tag byte plus the string each.
            foreach (var value in list.AppTable.Concat(list.RevisionTable))
            {
                bytes += 1 + CodedOutputStream.ComputeStringSize(value);
            }
        }

        for (var app = 0; app < _options.Apps; app++)
        {
            for (var s = 0; s < _options.ServicesPerApp; s++)
            {
                var service = ScenarioCatalog.ServiceName(app, s);
                var lookup = await _client.LookupServiceAsync(
                    new LookupServiceRequest { Namespace = PhaseScript.Namespace, Service = service }, deadline: RpcDeadline.FromNow(), cancellationToken: ct).ConfigureAwait(false);
                foreach (var provider in lookup.Apps)
                {
                    bytes += new ServiceMapping { Service = service, App = provider }.CalculateSize();
                    records++;
                }
            }
        }

        return (bytes, records);
    }

    /// <summary>
    /// The run's total: flows summed, levels (stored bytes, settle time) at their largest, and
    /// <paramref name="vmHwm"/> (the registry's VmHWM at the end) as the peak RSS of the whole run.
    /// </summary>
    public PhaseResult Total(IReadOnlyList<PhaseResult> phases, long vmHwm)
    {
        var total = PhaseTotals.Sum(phases, vmHwm);
        _convergence.FillTotal(total);
        return total;
    }
}
