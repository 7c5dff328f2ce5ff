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
            var driver = new PhaseDriver(Tag, "etcd", Path.Combine(_outDirectory, "logs"), _options.ConvergeTimeoutSeconds, _progress);
            foreach (var phase in script.Phases)
            {
                result.Phases.Add(await driver.RunAsync(phase, meter, script.WaitConvergedAsync, () => etcd.HasExited, warnings, ct).ConfigureAwait(false));
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
}
