using Introspection.Registry.Internal;
using Introspection.Registry.Stores;
using Microsoft.Extensions.Options;

namespace Introspection.Registry.Watch;

/// <summary>
/// The node-local fan-out: one pump reads the store's change history in order and offers each event
/// to every watcher's bounded queue. Watchers never read the store's feed themselves, so N watchers
/// cost one feed reader, and a slow watcher only ever fills its own queue.
/// </summary>
internal sealed partial class WatchHub : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(5);

    private readonly IRegistryStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly RegistryWatchOptions _options;
    private readonly ILogger<WatchHub> _logger;
    private readonly Lock _lock = new();
    private readonly HashSet<Watcher> _watchers = [];
    private readonly Dictionary<string, int> _perNamespace = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WatchGroup> _groups = new(StringComparer.Ordinal);
    private readonly int _maxPerNamespace;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _dispatched;
    private int _storeFailures;

    public WatchHub(IRegistryStore store, IOptions<RegistryOptions> options, TimeProvider timeProvider, ILogger<WatchHub> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _options = options.Value.Watch;
        _maxPerNamespace = options.Value.Limits.MaxWatchStreamsPerNamespace;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>The revision through which events have been offered to watchers.</summary>
    public long DispatchedRevision
    {
        get
        {
            lock (_lock)
            {
                return _dispatched;
            }
        }
    }

    /// <summary>Distinct filters among the watchers (each shares its DELTA messages).</summary>
    public int GroupCount
    {
        get
        {
            lock (_lock)
            {
                return _groups.Count;
            }
        }
    }

    public int WatcherCount
    {
        get
        {
            lock (_lock)
            {
                return _watchers.Count;
            }
        }
    }

    /// <summary>
    /// Adds a watcher. Every event with a revision greater than the answered revision will be offered
    /// to it; events up to it never will (read them from the store's history or a snapshot).
    /// </summary>
    public async ValueTask<(Watcher Watcher, long DispatchedThrough)> SubscribeAsync(WatchFilter filter, CancellationToken cancellationToken)
    {
        if (!_started.Task.IsCompleted)
        {
            try
            {
                await _started.Task.WaitAsync(StartTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException ex)
            {
                // The pump could not read the store's revision yet: answer UNAVAILABLE rather than
                // hold the watch open with nothing behind it.
                throw new RegistryStoreUnavailableException("The watch feed has not started: the store is unavailable.", ex);
            }
        }

        ArgumentNullException.ThrowIfNull(filter);
        var key = WatchGroupKey.For(filter);
        lock (_lock)
        {
            // Node-local, like the watchers themselves: each stream costs this node a queue and a
            // filter pass per event, so this node's count is what the cap protects.
            var count = _perNamespace.GetValueOrDefault(filter.Namespace);
            if (count >= _maxPerNamespace)
            {
                throw new RegistryLimitExceededException(nameof(RegistryLimitsOptions.MaxWatchStreamsPerNamespace), _maxPerNamespace, $"namespace '{filter.Namespace}' has {count} watch streams open on this node");
            }

            _perNamespace[filter.Namespace] = count + 1;
            if (!_groups.TryGetValue(key, out var group))
            {
                group = new WatchGroup(key, filter.Compact);
                _groups.Add(key, group);
            }

            group.Members++;
            var watcher = new Watcher(filter, _options.QueueCapacity, group);
            _watchers.Add(watcher);
            return (watcher, _dispatched);
        }
    }

    public void Unsubscribe(Watcher watcher)
    {
        ArgumentNullException.ThrowIfNull(watcher);
        lock (_lock)
        {
            if (_watchers.Remove(watcher))
            {
                var ns = watcher.Filter.Namespace;
                if (_perNamespace[ns] <= 1)
                {
                    _perNamespace.Remove(ns);
                }
                else
                {
                    _perNamespace[ns]--;
                }

                if (--watcher.Group.Members == 0)
                {
                    _groups.Remove(watcher.Group.Key);
                }
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!_started.Task.IsCompleted)
        {
            try
            {
                _dispatched = await _store.GetRevisionAsync(stoppingToken).ConfigureAwait(false);
                StoreAnswered();
                _started.TrySetResult();
            }
            catch (RegistryStoreUnavailableException ex)
            {
                StoreFailed(ex);
                await Task.Delay(RetryDelay, _timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.PumpFailed(_logger, ex);
                await Task.Delay(RetryDelay, _timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PumpOnceAsync(stoppingToken).ConfigureAwait(false);
                StoreAnswered();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (RegistryStoreUnavailableException ex)
            {
                StoreFailed(ex);
                await Task.Delay(RetryDelay, _timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The pump must survive anything: without it no watcher on this node sees a change.
                Log.PumpFailed(_logger, ex);
                await Task.Delay(RetryDelay, _timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The stack trace once per outage, then one short line per retry, then a recovery line.</summary>
    private void StoreFailed(RegistryStoreUnavailableException exception)
    {
        if (_storeFailures++ == 0)
        {
            Log.StoreUnavailable(_logger, exception);
        }
        else
        {
            Log.StoreStillUnavailable(_logger, _storeFailures, exception.Message);
        }
    }

    private void StoreAnswered()
    {
        if (_storeFailures > 0)
        {
            Log.StoreRecovered(_logger, _storeFailures);
            _storeFailures = 0;
        }
    }

    internal async Task PumpOnceAsync(CancellationToken cancellationToken)
    {
        await _store.WaitForChangesAsync(_dispatched, cancellationToken).ConfigureAwait(false);
        var batch = await _store.ReadChangesAsync(_dispatched, _options.ReadBatchSize, cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            if (batch.HistoryLost)
            {
                // This node fell behind the kept history (or the store lost its state): no watcher
                // can be brought forward by deltas any more, so every one starts over from a snapshot.
                Log.PumpHistoryLost(_logger, _dispatched, batch.CurrentRevision, _watchers.Count);
                foreach (var watcher in _watchers)
                {
                    watcher.Reset();
                }

                _dispatched = batch.CurrentRevision;
                return;
            }

            var offeredAt = _timeProvider.GetTimestamp();
            foreach (var change in batch.Events)
            {
                foreach (var watcher in _watchers)
                {
                    if (!watcher.Offer(change, offeredAt))
                    {
                        Log.WatcherOverflowed(_logger, watcher.Filter.Namespace, _options.QueueCapacity);
                    }
                }

                _dispatched = change.Revision;
            }
        }
    }
}
