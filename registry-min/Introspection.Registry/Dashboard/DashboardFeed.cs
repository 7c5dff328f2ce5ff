using System.Diagnostics.Metrics;
using Introspection.Registry.Stores;

namespace Introspection.Registry.Dashboard;

/// <summary>
/// The dashboard's view of the registry's change feed: one reader of the store's change history per node (however
/// many pages are open) that rings the pages of the namespace that changed, remembers when this node saw each
/// instance register (the "age" column) and which namespaces it saw, and samples the renewal rate from the
/// registry's own <c>introspection.registry.renewals</c> counter. Runs only while the dashboard is enabled.
/// </summary>
/// <remarks>
/// It reads the store's history rather than subscribing to the watch hub because hub watchers are per namespace and
/// the dashboard needs all of them; the cost is one more feed reader per node.
/// </remarks>
internal sealed partial class DashboardFeed : BackgroundService
{
    private const int ReadBatchSize = 512;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(10);

    private readonly IRegistryStore _store;
    private readonly DashboardActivation _activation;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeProvider _timeProvider;
    private readonly IMeterFactory _meterFactory;
    private readonly ILogger<DashboardFeed> _logger;
    private readonly Lock _lock = new();
    private readonly HashSet<DashboardSubscription> _subscriptions = [];
    private readonly Dictionary<(string Namespace, string App, string Instance), DateTimeOffset> _registeredAt = [];
    private readonly SortedSet<string> _namespacesSeen = new(StringComparer.Ordinal);
    private readonly Queue<(DateTimeOffset At, long Total)> _renewalSamples = new();
    private MeterListener? _listener;
    private long _renewals;
    private double _renewalRate;

    public DashboardFeed(IRegistryStore store, DashboardActivation activation, IHostApplicationLifetime lifetime, TimeProvider timeProvider, IMeterFactory meterFactory, ILogger<DashboardFeed> logger)
    {
        _store = store;
        _activation = activation;
        _lifetime = lifetime;
        _timeProvider = timeProvider;
        _meterFactory = meterFactory;
        _logger = logger;
        StartedAt = timeProvider.GetUtcNow();
    }

    /// <summary>When this node's feed was created (about when the registry started).</summary>
    public DateTimeOffset StartedAt { get; }

    public int ClientCount
    {
        get
        {
            lock (_lock)
            {
                return _subscriptions.Count;
            }
        }
    }

    /// <summary>Renewals per second over the last ten seconds, on this node.</summary>
    public double RenewalsPerSecond
    {
        get
        {
            lock (_lock)
            {
                return _renewalRate;
            }
        }
    }

    public DashboardSubscription Subscribe(string ns)
    {
        var subscription = new DashboardSubscription(ns, Unsubscribe);
        lock (_lock)
        {
            _subscriptions.Add(subscription);
        }

        return subscription;
    }

    /// <summary>When this node saw the instance register, or null when that was before the feed started.</summary>
    public DateTimeOffset? RegisteredAt(string ns, string app, string instanceId)
    {
        lock (_lock)
        {
            return _registeredAt.TryGetValue((ns, app, instanceId), out var at) ? at : null;
        }
    }

    public IReadOnlyCollection<string> NamespacesSeen()
    {
        lock (_lock)
        {
            return [.. _namespacesSeen];
        }
    }

    public override void Dispose()
    {
        _listener?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (_lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }

        // Decided from the bound addresses, which exist only now.
        if (!_activation.IsEnabled)
        {
            return;
        }

        StartRenewalListener();
        await Task.WhenAll(PumpAsync(stoppingToken), SampleAsync(stoppingToken)).ConfigureAwait(false);
    }

    private void Unsubscribe(DashboardSubscription subscription)
    {
        lock (_lock)
        {
            _subscriptions.Remove(subscription);
        }
    }

    private void StartRenewalListener()
    {
        // Only this registry's meter (its scope is this container's meter factory): several registries in one
        // process (tests, an embedding host) must not add up each other's renewals.
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == RegistryMetricNames.MeterName
                    && instrument.Name == RegistryMetricNames.Renewals
                    && ReferenceEquals(instrument.Meter.Scope, _meterFactory))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _renewals, value));
        _listener.Start();
    }

    private async Task SampleAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SampleInterval, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var now = _timeProvider.GetUtcNow();
                var total = Interlocked.Read(ref _renewals);
                lock (_lock)
                {
                    _renewalSamples.Enqueue((now, total));
                    while (_renewalSamples.Count > 1 && now - _renewalSamples.Peek().At > RateWindow)
                    {
                        _renewalSamples.Dequeue();
                    }

                    var (firstAt, firstTotal) = _renewalSamples.Peek();
                    var seconds = (now - firstAt).TotalSeconds;
                    _renewalRate = seconds > 0 ? (total - firstTotal) / seconds : 0;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task PumpAsync(CancellationToken stoppingToken)
    {
        long after = -1;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (after < 0)
                {
                    after = await _store.GetRevisionAsync(stoppingToken).ConfigureAwait(false);
                }

                await _store.WaitForChangesAsync(after, stoppingToken).ConfigureAwait(false);
                var batch = await _store.ReadChangesAsync(after, ReadBatchSize, stoppingToken).ConfigureAwait(false);
                if (batch.HistoryLost)
                {
                    // Fell behind the kept history: every page re-reads its state; ages of the missed ones stay unknown.
                    Log.HistoryLost(_logger, after, batch.CurrentRevision);
                    after = batch.CurrentRevision;
                    RingAll(after);
                    continue;
                }

                Apply(batch.Events);
                if (batch.Events.Count > 0)
                {
                    after = batch.Events[^1].Revision;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A dashboard must never take the registry down. A store outage is reported loudly by the watch
                // hub already (once per outage); a second warning per second from here would only be noise.
                if (ex is RegistryStoreUnavailableException)
                {
                    Log.StoreUnavailable(_logger, ex.Message);
                }
                else
                {
                    Log.PumpFailed(_logger, ex);
                }

                try
                {
                    await Task.Delay(RetryDelay, _timeProvider, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    internal void Apply(IReadOnlyList<ChangeEvent> events)
    {
        var now = _timeProvider.GetUtcNow();
        var changed = new Dictionary<string, long>(StringComparer.Ordinal);
        lock (_lock)
        {
            foreach (var change in events)
            {
                _namespacesSeen.Add(change.Namespace);
                changed[change.Namespace] = change.Revision;
                if (change.Instance is { } instance)
                {
                    var key = (change.Namespace, instance.App, instance.InstanceId);
                    if (change.Kind == ChangeKind.Delete)
                    {
                        _registeredAt.Remove(key);
                    }
                    else
                    {
                        // An update (revision, labels) keeps the age of the registration.
                        _registeredAt.TryAdd(key, now);
                    }
                }
            }

            foreach (var subscription in _subscriptions)
            {
                if (changed.TryGetValue(subscription.Namespace, out var revision))
                {
                    subscription.Ring(revision);
                }
            }
        }
    }

    private void RingAll(long revision)
    {
        lock (_lock)
        {
            foreach (var subscription in _subscriptions)
            {
                subscription.Ring(revision);
            }
        }
    }
}
