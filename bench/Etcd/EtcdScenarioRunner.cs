using Introspection.Bench.Infrastructure;
using Introspection.Bench.Load;

namespace Introspection.Bench.Etcd;

/// <summary>
/// Runs the load scenario once as the full model on a real etcd 3.4 (the <c>full-etcd</c> model): a
/// fresh etcd process, the <see cref="EtcdPhaseScript"/> phase by phase with an
/// <see cref="EtcdPhaseMeter"/> around each, and the result in the same shape as our registry's models.
/// Each phase ends only when every consumer's view equals what etcd acknowledged (or the wait times out).
/// </summary>
internal sealed class EtcdScenarioRunner
{
    // Several connections, as for our registry, so no one HTTP/2 connection carries everything.
    private const int Channels = 8;

    private readonly LoadOptions _options;
    private readonly int _instancesPerApp;
    private readonly string _outDirectory;
    private readonly TextWriter _progress;
    private readonly ScenarioCatalog _catalog;

    public EtcdScenarioRunner(LoadOptions options, int instancesPerApp, string outDirectory, TextWriter progress)
    {
        _options = options;
        _instancesPerApp = instancesPerApp;
        _outDirectory = outDirectory;
        _progress = progress;
        _catalog = new ScenarioCatalog(options);
    }

    private string Tag => $"[{ModelNames.FullEtcd} {_options.Apps * _instancesPerApp}]";

    public async Task<ModelResult> RunAsync(CancellationToken ct)
    {
        var logPath = Path.Combine(_outDirectory, "logs", $"etcd-{_options.Apps * _instancesPerApp}.log");
        await using var etcd = await EtcdProcess.StartAsync(logPath, ct).ConfigureAwait(false);
        _progress.WriteLine($"{Tag} started {etcd.Version} on {etcd.Address}");
        var clients = Enumerable.Range(0, Channels).Select(_ => new EtcdClients(etcd.Address)).ToArray();
        var result = new ModelResult
        {
            Model = ModelNames.FullEtcd,
            StartupCpuSeconds = etcd.Read().CpuSeconds,
            ServerVersion = etcd.Version,
            RegistryLog = Path.GetRelativePath(_outDirectory, logPath),
            ExpectedWriteRpcs = EtcdPhaseScript.ExpectedWrites(_options, _instancesPerApp),
        };
        var warnings = new List<string>();
        var counters = new LoadCounters();
        EtcdPhaseScript? script = null;
        try
        {
            script = new EtcdPhaseScript(_options, _instancesPerApp, _catalog, clients, etcd.Address, counters);
            result.Consumers = script.Consumers.Count;
            result.WatchStreams = script.Consumers.Sum(c => c.WatcherCount);
            var meter = new EtcdPhaseMeter(etcd, counters, script, clients[0].Kv);
            foreach (var phase in script.Phases)
            {
                result.Phases.Add(await RunPhaseAsync(phase, script, meter, etcd, warnings, ct).ConfigureAwait(false));
            }

            result.Processes = script.Processes.Count;
            result.RegistryEntries = script.Processes.Sum(p => p.EntryCount);
            result.Total = meter.Total(result.Phases, etcd.Read().PeakRssBytes);
            if (result.Total.WriteRpcs - result.Total.ReRegistrations != result.ExpectedWriteRpcs)
            {
                warnings.Add($"write RPCs {result.Total.WriteRpcs - result.Total.ReRegistrations} differ from the {result.ExpectedWriteRpcs} the scenario implies");
            }
        }
        finally
        {
            if (script is not null)
            {
                await script.DisposeAsync().ConfigureAwait(false);
            }

            foreach (var client in clients)
            {
                client.Dispose();
            }
        }

        result.Warnings = warnings;
        return result;
    }

    private async Task<PhaseResult> RunPhaseAsync(
        ScenarioPhase phase, EtcdPhaseScript script, EtcdPhaseMeter meter, EtcdProcess etcd, List<string> warnings, CancellationToken ct)
    {
        meter.Begin();
        _progress.WriteLine($"{Tag} phase {phase.Name} ...");
        using var ticker = new Ticker(
            TimeSpan.FromSeconds(5),
            () =>
            {
                var d = meter.CountersSinceBegin;
                _progress.WriteLine($"{Tag}   {phase.Name} {meter.Elapsed.TotalSeconds:F0} s: writes {d.WriteRpcs}, renewals {d.Renewals}, watch msgs {d.WatchMessages}");
            },
            ct);

        await phase.RunAsync(ct).ConfigureAwait(false);
        if (etcd.HasExited)
        {
            throw new InvalidOperationException($"etcd exited during phase {phase.Name}; see {Path.Combine(_outDirectory, "logs")}");
        }

        var (unconverged, settleMs) = await script.WaitConvergedAsync(ct).ConfigureAwait(false);
        var result = meter.End(phase.Name, unconverged, settleMs);
        if (unconverged > 0)
        {
            warnings.Add($"phase {phase.Name}: {unconverged} consumer(s) had not converged after {_options.ConvergeTimeoutSeconds} s");
        }

        (result.StoredBytes, result.StoredRecords) = await meter.MeasureStoredAsync(ct).ConfigureAwait(false);
        _progress.WriteLine($"{Tag} phase {phase.Name} done in {result.DurationSeconds:F1} s: writes {result.WriteRpcs}, renewals {result.Renewals}, " +
            $"watch {result.WatchMessages} msgs / {result.WatchBytes / 1024.0:F0} KiB, etcd CPU {result.RegistryCpuSeconds:F2} s, " +
            $"stored {result.StoredBytes / 1024.0:F0} KiB, convergence p99 {result.ConvergenceP99Ms:F1} ms");
        return result;
    }
}
