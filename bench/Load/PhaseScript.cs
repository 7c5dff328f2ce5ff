using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Introspection.Bench.Infrastructure;
using Introspection.Protocol.Registry.V1;
using RegistryClient = Introspection.Protocol.Registry.V1.Registry.RegistryClient;

namespace Introspection.Bench.Load;

/// <summary>
/// What happens in one model run, and nothing about what it costs: the fleet (provider processes and
/// consumers), the phases it goes through (subscribe, register, steady keep-alive, rolling restart,
/// scale-out, scale-in) and the view every consumer must reach before a phase counts as over.
/// </summary>
internal sealed class PhaseScript : IAsyncDisposable
{
    /// <summary>The registry namespace the scenario lives in (the warm-up uses another).</summary>
    public const string Namespace = "bench";

    private readonly LoadOptions _options;
    private readonly ModelKind _model;
    private readonly int _instancesPerApp;
    private readonly ScenarioCatalog _catalog;
    private readonly IReadOnlyList<RegistryClient> _clients;
    private readonly IReadOnlyList<(string Host, int Port)> _endpoints;
    private readonly LoadCounters _counters;
    private readonly List<SimulatedProcess> _processes = [];
    private readonly List<SimulatedConsumer> _consumers = [];
    private readonly ConcurrentBag<Task> _background = [];
    private volatile bool _stopping;

    /// <summary>
    /// Builds the fleet: <paramref name="clients"/> has one client per registry channel (each process
    /// keeps to one), <paramref name="endpoints"/> are the metadata endpoints the instances stand for.
    /// </summary>
    public PhaseScript(
        LoadOptions options,
        ModelKind model,
        int instancesPerApp,
        ScenarioCatalog catalog,
        IReadOnlyList<RegistryClient> clients,
        IReadOnlyList<(string Host, int Port)> endpoints,
        Uri registryAddress,
        LoadCounters counters)
    {
        _options = options;
        _model = model;
        _instancesPerApp = instancesPerApp;
        _catalog = catalog;
        _clients = clients;
        _endpoints = endpoints;
        _counters = counters;
        for (var app = 0; app < options.Apps; app++)
        {
            for (var i = 0; i < instancesPerApp; i++)
            {
                _processes.Add(NewProcess(app, i));
            }
        }

        for (var c = 0; c < options.Consumers; c++)
        {
            _consumers.Add(new SimulatedConsumer(registryAddress, WatchSets(c), model == ModelKind.Introspection, Namespace, counters));
        }

        Phases =
        [
            new("subscribe", SubscribeAsync),
            new("register", RegisterAllAsync),
            new("steady", c => Task.Delay(TimeSpan.FromSeconds(_options.SteadySeconds), c)),
            new("rolling-restart", RollingRestartAsync),
            new("scale-out", ScaleOutAsync),
            new("scale-in", ScaleInAsync),
        ];
    }

    /// <summary>The phases in the order they run.</summary>
    public IReadOnlyList<ScenarioPhase> Phases { get; }

    /// <summary>Every provider process started so far (scale-out adds to it; scale-in marks, never removes).</summary>
    public IReadOnlyList<SimulatedProcess> Processes => _processes;

    public IReadOnlyList<SimulatedConsumer> Consumers => _consumers;

    /// <summary>What the consumers must converge on, built from the registry's acknowledgements.</summary>
    public ExpectedState Expected { get; } = new();

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

    /// <summary>Waits until every consumer holds exactly the expected view, or the convergence timeout passes.</summary>
    /// <returns>The consumers still behind (0 in a healthy run) and how long the wait took.</returns>
    public async Task<(int Unconverged, double SettleMs)> WaitConvergedAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var timeout = TimeSpan.FromSeconds(_options.ConvergeTimeoutSeconds);
        while (true)
        {
            var pending = _consumers.Count(c => !c.IsConverged(Expected));
            if (pending == 0 || clock.Elapsed > timeout)
            {
                return (pending, clock.Elapsed.TotalMilliseconds);
            }

            await Task.Delay(10, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Stops every keep-alive, watch and pending re-registration.</summary>
    public async ValueTask DisposeAsync()
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
            // The run is over: how a late re-registration ended changes no figure.
        }
    }

    private SimulatedProcess NewProcess(int app, int index)
    {
        var serial = (app * 100_003) + index;
        var (host, port) = _endpoints[serial % _endpoints.Count];
        var entries = _model == ModelKind.Full
            ? Enumerable.Range(0, _options.ServicesPerApp).Select(s => new ProcessEntry(ScenarioCatalog.ServiceName(app, s), s)).ToList()
            : [new ProcessEntry(ScenarioCatalog.AppName(app), -1)];
        return new SimulatedProcess(app, index, host, port, entries, serial % _clients.Count);
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
                await _clients[app % _clients.Count].MapServiceAsync(request, deadline: RpcDeadline.FromNow(), cancellationToken: ct).ConfigureAwait(false);
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
                    deadline: RpcDeadline.FromNow(),
                    cancellationToken: token).ConfigureAwait(false);
                var ack = Stopwatch.GetTimestamp();
                Interlocked.Increment(ref _counters.WriteRpcs);
                Expected.Delete(entry.RegistryApp, p.InstanceId, response.Revision, ack);
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
                deadline: RpcDeadline.FromNow(),
                cancellationToken: ct).ConfigureAwait(false);
            var ack = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref _counters.WriteRpcs);
            Expected.Put(entry.RegistryApp, p.InstanceId, response.Revision, ack);
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
}
