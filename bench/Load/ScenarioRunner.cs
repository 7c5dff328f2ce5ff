using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using Introspection.Bench.Infrastructure;
using Introspection.Protocol.Registry.V1;
using RegistryClient = Introspection.Protocol.Registry.V1.Registry.RegistryClient;

namespace Introspection.Bench.Load;

/// <summary>
/// Runs the scenario once for one model against a fresh registry process: subscribe, register,
/// steady keep-alive, rolling restart, scale-out, scale-in. Each phase ends only when every consumer
/// holds the view the registry acknowledged (or the wait times out, which is reported).
/// </summary>
internal sealed class ScenarioRunner
{
    private const string Namespace = "bench";
    private const int RegistryChannels = 8;

    private readonly LoadOptions _options;
    private readonly ModelKind _model;
    private readonly int _instancesPerApp;
    private readonly string _outDirectory;
    private readonly TextWriter _progress;
    private readonly ScenarioCatalog _catalog;
    private readonly LoadCounters _counters = new();
    private readonly ExpectedState _expected = new();
    private readonly List<SimulatedProcess> _processes = [];
    private readonly List<SimulatedConsumer> _consumers = [];
    private readonly List<string> _warnings = [];
    private readonly List<double> _allLatencies = [];
    private readonly System.Collections.Concurrent.ConcurrentBag<Task> _background = [];
    private RegistryClient[] _clients = [];
    private IReadOnlyList<(string Host, int Port)> _endpoints = [];
    private MetadataCatalog _metadata = new();
    private RegistryProcess? _registry;
    private volatile bool _stopping;

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

    private TimeSpan Ttl => TimeSpan.FromMilliseconds(_options.TtlMs);

    /// <summary>Write RPCs the scenario implies for a model (the smoke tests check the tool counts exactly these).</summary>
    public static long ExpectedWrites(LoadOptions options, ModelKind model, int instancesPerApp)
    {
        long apps = options.Apps;
        long step = options.ScaleStepFor(instancesPerApp);
        long perInstance = model == ModelKind.Full ? options.ServicesPerApp : 1;
        var mapping = model == ModelKind.Full ? 0 : apps;
        // register + rolling restart + scale-out + scale-in
        return mapping + (apps * instancesPerApp * perInstance * 2) + (apps * step * perInstance * 2);
    }

    public async Task<ModelResult> RunAsync(CancellationToken ct)
    {
        for (var app = 0; app < _options.Apps; app++)
        {
            _metadata.Add(_catalog.Metadata(app, 1));
            _metadata.Add(_catalog.Metadata(app, 2));
        }

        await using var servers = await MetadataServerPool.StartAsync(_options.MetadataServers, _metadata, ct).ConfigureAwait(false);
        _endpoints = servers.Endpoints;

        var registryArgs = RegistryArgs();
        var logPath = Path.Combine(_outDirectory, "logs", $"registry-{_model.ToString().ToLowerInvariant()}-{_options.Apps * _instancesPerApp}.log");
        _progress.WriteLine($"{Tag} starting registry: {string.Join(' ', registryArgs)}");
        await using var registry = await RegistryProcess.StartAsync(
            RegistryLocator.Find(_options.RegistryDll), registryArgs, _options.RegistryEnvironment, logPath, ct).ConfigureAwait(false);
        _registry = registry;
        var channels = Enumerable.Range(0, RegistryChannels).Select(_ => GrpcChannels.Create(registry.Address)).ToArray();
        _clients = channels.Select(c => new RegistryClient(c)).ToArray();

        var result = new ModelResult
        {
            Model = _model.ToString().ToLowerInvariant(),
            StartupCpuSeconds = registry.Read().CpuSeconds,
            RegistryArgs = registryArgs,
            RegistryEnvironment = new Dictionary<string, string>(_options.RegistryEnvironment),
            RegistryLog = Path.GetRelativePath(_outDirectory, logPath),
            ExpectedWriteRpcs = ExpectedWrites(_options, _model, _instancesPerApp),
        };

        try
        {
            for (var app = 0; app < _options.Apps; app++)
            {
                for (var i = 0; i < _instancesPerApp; i++)
                {
                    _processes.Add(NewProcess(app, i));
                }
            }

            for (var c = 0; c < _options.Consumers; c++)
            {
                _consumers.Add(new SimulatedConsumer(registry.Address, WatchSets(c), _model == ModelKind.Introspection, Namespace, _counters));
            }

            result.Consumers = _consumers.Count;
            result.WatchStreams = _consumers.Sum(c => c.StreamCount);

            await WarmUpAsync(ct).ConfigureAwait(false);
            result.WarmUpCpuSeconds = Math.Round(registry.Read().CpuSeconds - result.StartupCpuSeconds, 2);
            result.Phases.Add(await PhaseAsync("subscribe", SubscribeAsync, ct).ConfigureAwait(false));
            result.Phases.Add(await PhaseAsync("register", RegisterAllAsync, ct).ConfigureAwait(false));
            result.Phases.Add(await PhaseAsync("steady", c => Task.Delay(TimeSpan.FromSeconds(_options.SteadySeconds), c), ct).ConfigureAwait(false));
            result.Phases.Add(await PhaseAsync("rolling-restart", RollingRestartAsync, ct).ConfigureAwait(false));
            result.Phases.Add(await PhaseAsync("scale-out", ScaleOutAsync, ct).ConfigureAwait(false));
            result.Phases.Add(await PhaseAsync("scale-in", ScaleInAsync, ct).ConfigureAwait(false));

            result.Processes = _processes.Count;
            result.RegistryEntries = _processes.Sum(p => p.Entries.Count);
            result.Total = Total(result.Phases, registry.Read().PeakRssBytes);
            if (result.Total.WriteRpcs - result.Total.ReRegistrations != result.ExpectedWriteRpcs)
            {
                _warnings.Add($"write RPCs {result.Total.WriteRpcs - result.Total.ReRegistrations} differ from the {result.ExpectedWriteRpcs} the scenario implies");
            }
        }
        finally
        {
            _stopping = true;
            await Task.WhenAll(_processes.Select(p => p.StopKeepAliveAsync())).ConfigureAwait(false);
            await Task.WhenAll(_consumers.Select(c => c.DisposeAsync().AsTask())).ConfigureAwait(false);
            try
            {
                await Task.WhenAll(_background.ToArray()).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RpcException or OperationCanceledException or TimeoutException)
            {
            }

            foreach (var channel in channels)
            {
                channel.Dispose();
            }

            _registry = null;
        }

        result.Warnings = _warnings;
        return result;
    }

    private List<string> RegistryArgs()
    {
        var args = new List<string>
        {
            // The scenario compresses time: TTLs of a few seconds stand for the usual tens of seconds.
            "--Introspection:Registry:Leases:MinTtl=00:00:00.500",
            // Thousands of KeepAlive/Watch streams; the client also opens extra connections when needed.
            "--Kestrel:Limits:Http2:MaxStreamsPerConnection=10000",
        };
        if (_model == ModelKind.Full)
        {
            // The full model stores every parameter as labels: lift the caps that keep the registry minimal.
            args.Add("--Introspection:Registry:Limits:MaxLabels=1024");
            args.Add("--Introspection:Registry:Limits:MaxLabelBytes=1048576");
            args.Add("--Introspection:Registry:Limits:MaxLabelValueBytes=65536");
        }

        args.AddRange(_options.RegistryArgs);
        return args;
    }

    /// <summary>
    /// Exercises every RPC the phases use in a separate namespace, then waits for the registry to go
    /// idle. Without it the first phases of a fresh process pay for JIT and tiered recompilation, and
    /// that cost (the same for both models) would be charged to whichever phase runs first.
    /// </summary>
    private async Task WarmUpAsync(CancellationToken ct)
    {
        const string warmup = "warmup";
        var client = _clients[0];
        var watch = new WatchRequest { Namespace = warmup };
        using var watchStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var watchCall = client.Watch(watch, cancellationToken: watchStop.Token);
        var labels = _model == ModelKind.Full ? _catalog.FullLabels(0, 0, 1) : ScenarioCatalog.InstanceLabels;
        var leases = new List<long>();
        for (var round = 0; round < 3; round++)
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (i, token) =>
            {
                var instance = new Instance { App = "warmup", InstanceId = $"w{i}", Host = "127.0.0.2", Port = 1, Revision = _catalog.Revision(0, 1) };
                instance.Labels.Add(labels);
                var response = await _clients[i % _clients.Length].RegisterAsync(
                    new RegisterRequest { Namespace = warmup, Instance = instance, TtlMs = 60_000 }, deadline: Deadline(), cancellationToken: token).ConfigureAwait(false);
                lock (leases)
                {
                    leases.Add(response.LeaseId);
                }
            }).ConfigureAwait(false);
            using (var keepAlive = client.KeepAlive(cancellationToken: ct))
            {
                foreach (var lease in leases)
                {
                    await keepAlive.RequestStream.WriteAsync(new KeepAliveRequest { Namespace = warmup, LeaseId = lease }, ct).ConfigureAwait(false);
                }

                await keepAlive.RequestStream.CompleteAsync().ConfigureAwait(false);
                await foreach (var _ in keepAlive.ResponseStream.ReadAllAsync(ct).ConfigureAwait(false))
                {
                }
            }

            leases.Clear();
            await client.ListInstancesAsync(new ListInstancesRequest { Namespace = warmup, App = "warmup" }, deadline: Deadline(), cancellationToken: ct).ConfigureAwait(false);
            await client.MapServiceAsync(new MapServiceRequest { Namespace = warmup, App = "warmup", Services = { "warmup.Service" } }, deadline: Deadline(), cancellationToken: ct).ConfigureAwait(false);
            await client.LookupServiceAsync(new LookupServiceRequest { Namespace = warmup, Service = "warmup.Service" }, deadline: Deadline(), cancellationToken: ct).ConfigureAwait(false);
            await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (i, token) =>
                await _clients[i % _clients.Length].DeregisterAsync(
                    new DeregisterRequest { Namespace = warmup, App = "warmup", InstanceId = $"w{i}" }, deadline: Deadline(), cancellationToken: token).ConfigureAwait(false)).ConfigureAwait(false);
        }

        await watchStop.CancelAsync().ConfigureAwait(false);

        // Idle: less than 5 % of a core over 500 ms, or give up after 15 s (and say so).
        var clock = Stopwatch.StartNew();
        var last = _registry!.Read().CpuSeconds;
        while (true)
        {
            await Task.Delay(500, ct).ConfigureAwait(false);
            var now = _registry.Read().CpuSeconds;
            if (now - last < 0.025)
            {
                break;
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(15))
            {
                _warnings.Add("the registry did not go idle within 15 s after the warm-up");
                break;
            }

            last = now;
        }
    }

    private SimulatedProcess NewProcess(int app, int index)
    {
        var serial = (app * 100_003) + index;
        var (host, port) = _endpoints[serial % _endpoints.Count];
        var entries = _model == ModelKind.Full
            ? Enumerable.Range(0, _options.ServicesPerApp).Select(s => new ProcessEntry(ScenarioCatalog.ServiceName(app, s), s)).ToList()
            : [new ProcessEntry(ScenarioCatalog.AppName(app), -1)];
        return new SimulatedProcess(app, index, host, port, entries, serial % RegistryChannels);
    }

    private List<string[]> WatchSets(int consumer)
    {
        var apps = _catalog.AppsOfConsumer(consumer);
        if (_model == ModelKind.Full)
        {
            // Dubbo 2 style: a subscription per service the consumer references.
            return apps.SelectMany(a => Enumerable.Range(0, _options.ServicesPerApp).Select(s => new[] { ScenarioCatalog.ServiceName(a, s) })).ToList();
        }

        // Introspection: one multiplexed stream for all the apps the consumer calls.
        return [apps.Select(ScenarioCatalog.AppName).ToArray()];
    }

    private async Task SubscribeAsync(CancellationToken ct)
    {
        await Parallel.ForEachAsync(_consumers, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (c, token) =>
            await c.StartAsync(token).ConfigureAwait(false)).ConfigureAwait(false);
    }

    private async Task RegisterAllAsync(CancellationToken ct)
    {
        if (_model == ModelKind.Introspection)
        {
            // The service -> app mapping is written once per app, not per instance.
            for (var app = 0; app < _options.Apps; app++)
            {
                var request = new MapServiceRequest { Namespace = Namespace, App = ScenarioCatalog.AppName(app) };
                request.Services.Add(Enumerable.Range(0, _options.ServicesPerApp).Select(s => ScenarioCatalog.ServiceName(app, s)));
                await _clients[app % _clients.Length].MapServiceAsync(request, deadline: Deadline(), cancellationToken: ct).ConfigureAwait(false);
                Interlocked.Increment(ref _counters.WriteRpcs);
            }
        }

        await StartProcessesAsync(_processes, ct).ConfigureAwait(false);
    }

    private async Task StartProcessesAsync(IEnumerable<SimulatedProcess> processes, CancellationToken ct)
    {
        await Parallel.ForEachAsync(processes, new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = ct }, async (p, token) =>
        {
            foreach (var entry in p.Entries)
            {
                await RegisterAsync(p, entry, token).ConfigureAwait(false);
            }

            p.StartKeepAlive(_clients[p.Channel], Namespace, Ttl / 3, _counters, OnNotFound, ct);
        }).ConfigureAwait(false);
    }

    private async Task RollingRestartAsync(CancellationToken ct)
    {
        // Every instance comes back as the new build: same id, new metadata (revision / parameters).
        var current = _processes.ToList();
        await Parallel.ForEachAsync(current, new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = ct }, async (p, token) =>
        {
            p.Build = 2;
            foreach (var entry in p.Entries)
            {
                await RegisterAsync(p, entry, token).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
    }

    private async Task ScaleOutAsync(CancellationToken ct)
    {
        var step = _options.ScaleStepFor(_instancesPerApp);
        var added = new List<SimulatedProcess>();
        for (var app = 0; app < _options.Apps; app++)
        {
            for (var i = 0; i < step; i++)
            {
                var p = NewProcess(app, _instancesPerApp + i);
                p.Build = 2;
                added.Add(p);
            }
        }

        _processes.AddRange(added);
        await StartProcessesAsync(added, ct).ConfigureAwait(false);
    }

    private async Task ScaleInAsync(CancellationToken ct)
    {
        var step = _options.ScaleStepFor(_instancesPerApp);
        var removed = _processes.GroupBy(p => p.App).SelectMany(g => g.OrderBy(p => p.Index).Take(step)).ToList();
        await Parallel.ForEachAsync(removed, new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = ct }, async (p, token) =>
        {
            p.Removed = true;
            await p.StopKeepAliveAsync().ConfigureAwait(false);
            foreach (var entry in p.Entries)
            {
                var response = await _clients[p.Channel].DeregisterAsync(
                    new DeregisterRequest { Namespace = Namespace, App = entry.RegistryApp, InstanceId = p.InstanceId },
                    deadline: Deadline(),
                    cancellationToken: token).ConfigureAwait(false);
                var ack = Stopwatch.GetTimestamp();
                Interlocked.Increment(ref _counters.WriteRpcs);
                _expected.Delete(entry.RegistryApp, p.InstanceId, response.Revision, ack);
            }
        }).ConfigureAwait(false);
    }

    private async Task RegisterAsync(SimulatedProcess p, ProcessEntry entry, CancellationToken ct)
    {
        var instance = new Instance
        {
            App = entry.RegistryApp,
            InstanceId = p.InstanceId,
            Host = p.Host,
            Port = p.Port,
            Revision = _model == ModelKind.Full ? "0" : _catalog.Revision(p.App, p.Build),
        };
        instance.Labels.Add(_model == ModelKind.Full ? _catalog.FullLabels(p.App, entry.Service, p.Build) : ScenarioCatalog.InstanceLabels);
        Interlocked.Exchange(ref entry.Registering, 1);
        try
        {
            var response = await _clients[p.Channel].RegisterAsync(
                new RegisterRequest { Namespace = Namespace, Instance = instance, TtlMs = _options.TtlMs },
                deadline: Deadline(),
                cancellationToken: ct).ConfigureAwait(false);
            var ack = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref _counters.WriteRpcs);
            _expected.Put(entry.RegistryApp, p.InstanceId, response.Revision, ack);
            Interlocked.Exchange(ref entry.LeaseId, response.LeaseId);
        }
        finally
        {
            Interlocked.Exchange(ref entry.Registering, 0);
        }
    }

    private void OnNotFound(SimulatedProcess p, ProcessEntry entry, long leaseId)
    {
        // What a real provider does: register again. Not part of the scenario, so counted apart.
        if (_stopping || p.Removed || Volatile.Read(ref entry.Registering) == 1 || Interlocked.Read(ref entry.LeaseId) != leaseId)
        {
            return;
        }

        _background.Add(Task.Run(async () =>
        {
            try
            {
                await RegisterAsync(p, entry, CancellationToken.None).ConfigureAwait(false);
                Interlocked.Increment(ref _counters.ReRegistrations);
            }
            catch (RpcException)
            {
                Interlocked.Increment(ref _counters.RenewalErrors);
            }
        }));
    }

    private async Task<PhaseResult> PhaseAsync(string name, Func<CancellationToken, Task> action, CancellationToken ct)
    {
        var registry = _registry!;
        var startCounters = _counters.Snapshot();
        var startCpu = registry.Read().CpuSeconds;
        var startSelf = Environment.CpuUsage.TotalTime;
        var startServed = Interlocked.Read(ref _metadata.Served);
        var startServedBytes = Interlocked.Read(ref _metadata.ServedBytes);
        registry.Sampler.TakePeak();
        var clock = Stopwatch.StartNew();
        _progress.WriteLine($"{Tag} phase {name} ...");

        using var tickerStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var ticker = ProgressAsync(name, clock, startCounters, tickerStop.Token);
        try
        {
            await action(ct).ConfigureAwait(false);
            if (registry.HasExited)
            {
                throw new InvalidOperationException($"the registry process exited during phase {name}; see {Path.Combine(_outDirectory, "logs")}");
            }

            var (unconverged, settleMs) = await WaitConvergedAsync(ct).ConfigureAwait(false);
            var endCpu = registry.Read().CpuSeconds;
            var delta = _counters.Snapshot() - startCounters;
            var phase = new PhaseResult
            {
                Name = name,
                DurationSeconds = clock.Elapsed.TotalSeconds,
                WriteRpcs = delta.WriteRpcs,
                ReRegistrations = delta.ReRegistrations,
                Renewals = delta.Renewals,
                RenewalsNotFound = delta.RenewalsNotFound,
                RenewalErrors = delta.RenewalErrors,
                WatchMessages = delta.WatchMessages,
                WatchBytes = delta.WatchBytes,
                WatchErrors = delta.WatchErrors,
                RegistryCpuSeconds = Math.Round(endCpu - startCpu, 2),
                LoadGeneratorCpuSeconds = Math.Round((Environment.CpuUsage.TotalTime - startSelf).TotalSeconds, 2),
                PeakRssBytes = registry.Sampler.TakePeak(),
                MetadataRpcs = Interlocked.Read(ref _metadata.Served) - startServed,
                MetadataBytes = Interlocked.Read(ref _metadata.ServedBytes) - startServedBytes,
                MetadataFetchErrors = delta.MetadataFetchErrors,
                SettleMs = Math.Round(settleMs, 1),
                UnconvergedConsumers = unconverged,
            };
            FillConvergence(phase, CollectLatencies());
            if (unconverged > 0)
            {
                _warnings.Add($"phase {name}: {unconverged} consumer(s) had not converged after {_options.ConvergeTimeoutSeconds} s");
            }

            // Measured after the phase's CPU reading, so listing everything is charged to no phase.
            (phase.StoredBytes, phase.StoredRecords) = await MeasureStoredAsync(ct).ConfigureAwait(false);
            _progress.WriteLine($"{Tag} phase {name} done in {phase.DurationSeconds:F1} s: writes {phase.WriteRpcs}, renewals {phase.Renewals}, " +
                $"watch {phase.WatchMessages} msgs / {phase.WatchBytes / 1024.0:F0} KiB, registry CPU {phase.RegistryCpuSeconds:F2} s, " +
                $"stored {phase.StoredBytes / 1024.0:F0} KiB, convergence p99 {phase.ConvergenceP99Ms:F1} ms");
            return phase;
        }
        finally
        {
            await tickerStop.CancelAsync().ConfigureAwait(false);
            try
            {
                await ticker.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task ProgressAsync(string name, Stopwatch clock, LoadCountersSnapshot start, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            var d = _counters.Snapshot() - start;
            _progress.WriteLine($"{Tag}   {name} {clock.Elapsed.TotalSeconds:F0} s: writes {d.WriteRpcs}, renewals {d.Renewals}, watch msgs {d.WatchMessages}");
        }
    }

    private async Task<(int Unconverged, double SettleMs)> WaitConvergedAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var timeout = TimeSpan.FromSeconds(_options.ConvergeTimeoutSeconds);
        while (true)
        {
            var pending = _consumers.Count(c => !c.IsConverged(_expected));
            if (pending == 0 || clock.Elapsed > timeout)
            {
                return (pending, clock.Elapsed.TotalMilliseconds);
            }

            await Task.Delay(10, ct).ConfigureAwait(false);
        }
    }

    private List<double> CollectLatencies()
    {
        var latencies = new List<double>();
        foreach (var consumer in _consumers)
        {
            foreach (var (revision, timestamp) in consumer.TakeReceipts())
            {
                if (_expected.TryGetAck(revision, out var ack))
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

    private static void FillConvergence(PhaseResult phase, List<double> sorted)
    {
        phase.ConvergenceSamples = sorted.Count;
        phase.ConvergenceP50Ms = sorted.Count == 0 ? 0 : Math.Round(Stats.Percentile(sorted, 50), 2);
        phase.ConvergenceP99Ms = sorted.Count == 0 ? 0 : Math.Round(Stats.Percentile(sorted, 99), 2);
        phase.ConvergenceMaxMs = sorted.Count == 0 ? 0 : Math.Round(sorted[^1], 2);
    }

    private async Task<(long Bytes, long Records)> MeasureStoredAsync(CancellationToken ct)
    {
        // The registry's stored state as it serves it: every instance record (with its labels) plus
        // every service -> app mapping row, by serialized protobuf size.
        var client = _clients[0];
        long bytes = 0;
        long records = 0;
        var apps = await client.ListAppsAsync(new ListAppsRequest { Namespace = Namespace }, deadline: Deadline(), cancellationToken: ct).ConfigureAwait(false);
        foreach (var app in apps.Apps)
        {
            var list = await client.ListInstancesAsync(new ListInstancesRequest { Namespace = Namespace, App = app.App }, deadline: Deadline(), cancellationToken: ct).ConfigureAwait(false);
            foreach (var instance in list.Instances)
            {
                bytes += instance.CalculateSize();
                records++;
            }
        }

        for (var app = 0; app < _options.Apps; app++)
        {
            for (var s = 0; s < _options.ServicesPerApp; s++)
            {
                var service = ScenarioCatalog.ServiceName(app, s);
                var lookup = await client.LookupServiceAsync(new LookupServiceRequest { Namespace = Namespace, Service = service }, deadline: Deadline(), cancellationToken: ct).ConfigureAwait(false);
                foreach (var provider in lookup.Apps)
                {
                    bytes += new ServiceMapping { Service = service, App = provider }.CalculateSize();
                    records++;
                }
            }
        }

        return (bytes, records);
    }

    private PhaseResult Total(List<PhaseResult> phases, long vmHwm)
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
            MetadataRpcs = phases.Sum(p => p.MetadataRpcs),
            MetadataBytes = phases.Sum(p => p.MetadataBytes),
            MetadataFetchErrors = phases.Sum(p => p.MetadataFetchErrors),
            SettleMs = phases.Max(p => p.SettleMs),
            UnconvergedConsumers = phases.Max(p => p.UnconvergedConsumers),
        };
        _allLatencies.Sort();
        FillConvergence(total, _allLatencies);
        return total;
    }

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(30);
}
