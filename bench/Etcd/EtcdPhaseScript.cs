using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Introspection.Bench.Load;

namespace Introspection.Bench.Etcd;

/// <summary>
/// What happens in one full-etcd run: the same fleet and phases as <see cref="PhaseScript"/> (subscribe,
/// register, steady keep-alive, rolling restart, scale-out, scale-in), done the Dubbo 2 way on etcd.
/// A rolling restart is a process going and coming back as the new build: its keys are deleted and its
/// lease revoked, then a new lease is granted and the new keys (the URL changed: new parameters) put.
/// </summary>
internal sealed class EtcdPhaseScript : IAsyncDisposable
{
    private readonly LoadOptions _options;
    private readonly int _instancesPerApp;
    private readonly ScenarioCatalog _catalog;
    private readonly IReadOnlyList<EtcdClients> _clients;
    private readonly LoadCounters _counters;
    private readonly List<EtcdProvider> _processes = [];
    private readonly List<EtcdConsumer> _consumers = [];
    private readonly ConcurrentBag<Task> _background = [];
    private volatile bool _stopping;

    public EtcdPhaseScript(LoadOptions options, int instancesPerApp, ScenarioCatalog catalog, IReadOnlyList<EtcdClients> clients, Uri etcd, LoadCounters counters)
    {
        _options = options;
        _instancesPerApp = instancesPerApp;
        _catalog = catalog;
        _clients = clients;
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
            // Dubbo 2 style, as the full model: a subscription per service the consumer references.
            var services = catalog.AppsOfConsumer(c).SelectMany(a => Enumerable.Range(0, options.ServicesPerApp).Select(s => ScenarioCatalog.ServiceName(a, s))).ToList();
            _consumers.Add(new EtcdConsumer(etcd, services, counters));
        }

        Phases =
        [
            new("subscribe", SubscribeAsync),
            new("register", c => StartProcessesAsync(_processes, c)),
            new("steady", c => Task.Delay(TimeSpan.FromSeconds(_options.SteadySeconds), c)),
            new("rolling-restart", RollingRestartAsync),
            new("scale-out", ScaleOutAsync),
            new("scale-in", ScaleInAsync),
        ];
    }

    public IReadOnlyList<ScenarioPhase> Phases { get; }

    public IReadOnlyList<EtcdProvider> Processes => _processes;

    public IReadOnlyList<EtcdConsumer> Consumers => _consumers;

    public ExpectedState Expected { get; } = new();

    /// <summary>The lease TTL etcd is asked for: whole seconds, at least the scenario's TTL.</summary>
    public long TtlSeconds => (long)Math.Ceiling(_options.TtlMs / 1000.0);

    /// <summary>
    /// Write RPCs the scenario implies on etcd: per process started a LeaseGrant and one Put per service;
    /// per process stopped one DeleteRange per service and a LeaseRevoke; a restart is both.
    /// </summary>
    public static long ExpectedWrites(LoadOptions options, int instancesPerApp)
    {
        long apps = options.Apps;
        long step = options.ScaleStepFor(instancesPerApp);
        long start = 1 + options.ServicesPerApp;
        long stop = options.ServicesPerApp + 1;
        return (apps * instancesPerApp * (start + stop + start)) + (apps * step * (start + stop));
    }

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

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        await Task.WhenAll(_processes.Select(p => p.StopKeepAliveAsync())).ConfigureAwait(false);
        await Task.WhenAll(_consumers.Select(c => c.DisposeAsync().AsTask())).ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_background.ToArray()).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RpcException or OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            // The run is over: how a late re-registration ended changes no figure.
        }
    }

    private EtcdProvider NewProcess(int app, int index)
    {
        // Each provider needs its own host:port, since Dubbo 2's key is the URL: 8 loopback hosts, then ports
        // (never connected to: the key is all that uses them).
        var n = _processes.Count;
        var host = "127.0.0." + (2 + (n % 8)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var port = 20000 + (n / 8);
        return new EtcdProvider(app, index, host, port, _options.ServicesPerApp, n % _clients.Count, _catalog);
    }

    private async Task SubscribeAsync(CancellationToken ct)
    {
        await Parallel.ForEachAsync(_consumers, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (c, token) =>
            await c.StartAsync(token).ConfigureAwait(false)).ConfigureAwait(false);
    }

    private async Task StartProcessesAsync(IEnumerable<EtcdProvider> processes, CancellationToken ct)
    {
        await Parallel.ForEachAsync(processes, new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = ct }, async (p, token) =>
        {
            var etcd = _clients[p.Channel];
            await p.RegisterAsync(etcd, TtlSeconds, Expected, _counters, isReRegistration: false, token).ConfigureAwait(false);
            p.StartKeepAlive(etcd, TimeSpan.FromMilliseconds(_options.TtlMs / 3.0), _counters, OnLapsed, ct);
        }).ConfigureAwait(false);
    }

    private async Task RollingRestartAsync(CancellationToken ct)
    {
        var current = _processes.ToList();
        await Parallel.ForEachAsync(current, new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = ct }, async (p, token) =>
        {
            var etcd = _clients[p.Channel];
            await p.UnregisterAsync(etcd, Expected, _counters, token).ConfigureAwait(false);
            p.Build = 2;
            await p.RegisterAsync(etcd, TtlSeconds, Expected, _counters, isReRegistration: false, token).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    private async Task ScaleOutAsync(CancellationToken ct)
    {
        var step = _options.ScaleStepFor(_instancesPerApp);
        var added = new List<EtcdProvider>();
        for (var app = 0; app < _options.Apps; app++)
        {
            for (var i = 0; i < step; i++)
            {
                var p = NewProcess(app, _instancesPerApp + i);
                p.Build = 2;
                added.Add(p);
                _processes.Add(p);
            }
        }

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
            await p.UnregisterAsync(_clients[p.Channel], Expected, _counters, token).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    private void OnLapsed(EtcdProvider p, long leaseId)
    {
        // What a real provider does when its lease is gone: a new lease and its keys again. Counted apart.
        if (_stopping || p.Removed || !p.IsCurrentLease(leaseId))
        {
            return;
        }

        _background.Add(Task.Run(async () =>
        {
            try
            {
                await p.RegisterAsync(_clients[p.Channel], TtlSeconds, Expected, _counters, isReRegistration: true, CancellationToken.None).ConfigureAwait(false);
            }
            catch (RpcException)
            {
                Interlocked.Increment(ref _counters.RenewalErrors);
            }
        }));
    }
}
