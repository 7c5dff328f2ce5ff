using Introspection.Bench.Infrastructure;
using RegistryClient = Introspection.Protocol.Registry.V1.Registry.RegistryClient;

namespace Introspection.Bench.Load;

/// <summary>
/// Runs the scenario once for one model against a fresh registry process. It sets the run up
/// (metadata endpoints, registry process, channels), warms the registry up, then drives the
/// <see cref="PhaseScript"/> phase by phase with a <see cref="PhaseMeter"/> around each: the script
/// says what happens, the meter what it cost. Each phase ends only when every consumer holds the
/// view the registry acknowledged (or the wait times out, which is reported).
/// </summary>
internal sealed class ScenarioRunner
{
    // Several connections, so the load is not funnelled through one HTTP/2 connection's stream limit.
    private const int RegistryChannels = 8;

    private readonly LoadOptions _options;
    private readonly ModelKind _model;
    private readonly int _instancesPerApp;
    private readonly string _outDirectory;
    private readonly TextWriter _progress;
    private readonly ScenarioCatalog _catalog;

    public ScenarioRunner(LoadOptions options, ModelKind model, int instancesPerApp, string outDirectory, TextWriter progress)
    {
        _options = options;
        _model = model;
        _instancesPerApp = instancesPerApp;
        _outDirectory = outDirectory;
        _progress = progress;
        _catalog = new ScenarioCatalog(options);
    }

    private string Tag => $"[{_model.ToString().ToLowerInvariant()} {_options.Apps * _instancesPerApp}]";

    public async Task<ModelResult> RunAsync(CancellationToken ct)
    {
        var metadata = new MetadataCatalog();
        for (var app = 0; app < _options.Apps; app++)
        {
            metadata.Add(_catalog.Metadata(app, 1));
            metadata.Add(_catalog.Metadata(app, 2));
        }

        await using var servers = await MetadataServerPool.StartAsync(_options.MetadataServers, metadata, ct).ConfigureAwait(false);

        var registryArgs = ScenarioRegistryArgs.For(_model, _options);
        var logPath = Path.Combine(_outDirectory, "logs", $"registry-{_model.ToString().ToLowerInvariant()}-{_options.Apps * _instancesPerApp}.log");
        _progress.WriteLine($"{Tag} starting registry: {string.Join(' ', registryArgs)}");
        await using var registry = await RegistryProcess.StartAsync(
            RegistryLocator.Find(_options.RegistryDll), registryArgs, _options.RegistryEnvironment, logPath, ct).ConfigureAwait(false);
        var channels = Enumerable.Range(0, RegistryChannels).Select(_ => GrpcChannels.Create(registry.Address)).ToArray();
        var clients = channels.Select(c => new RegistryClient(c)).ToArray();

        var result = new ModelResult
        {
            Model = _model.ToString().ToLowerInvariant(),
            StartupCpuSeconds = registry.Read().CpuSeconds,
            RegistryArgs = registryArgs,
            RegistryEnvironment = new Dictionary<string, string>(_options.RegistryEnvironment),
            RegistryLog = Path.GetRelativePath(_outDirectory, logPath),
            ExpectedWriteRpcs = PhaseScript.ExpectedWrites(_options, _model, _instancesPerApp),
        };
        var warnings = new List<string>();
        var counters = new LoadCounters();
        PhaseScript? script = null;
        try
        {
            script = new PhaseScript(_options, _model, _instancesPerApp, _catalog, clients, servers.Endpoints, registry.Address, counters);
            result.Consumers = script.Consumers.Count;
            result.WatchStreams = script.Consumers.Sum(c => c.StreamCount);

            var warmUpLabels = _model == ModelKind.Full ? _catalog.FullLabels(0, 0, 1) : ScenarioCatalog.InstanceLabels;
            if (!await RegistryWarmUp.RunAsync(clients, registry, warmUpLabels, _catalog.Revision(0, 1), ct).ConfigureAwait(false))
            {
                warnings.Add("the registry did not go idle within 15 s after the warm-up");
            }

            result.WarmUpCpuSeconds = Math.Round(registry.Read().CpuSeconds - result.StartupCpuSeconds, 2);
            var meter = new PhaseMeter(registry, counters, metadata, script, clients[0], _options);
            var driver = new PhaseDriver(Tag, "registry", Path.Combine(_outDirectory, "logs"), _options.ConvergeTimeoutSeconds, _progress);
            foreach (var phase in script.Phases)
            {
                result.Phases.Add(await driver.RunAsync(phase, meter, script.WaitConvergedAsync, () => registry.HasExited, warnings, ct).ConfigureAwait(false));
            }

            result.Processes = script.Processes.Count;
            result.RegistryEntries = script.Processes.Sum(p => p.Entries.Count);
            result.Total = meter.Total(result.Phases, registry.Read().PeakRssBytes);
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

            foreach (var channel in channels)
            {
                channel.Dispose();
            }
        }

        result.Warnings = warnings;
        return result;
    }
}
