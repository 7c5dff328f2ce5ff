using Grpc.Core;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Internal;
using Introspection.Registry.Stores;
using Microsoft.Extensions.Options;

namespace Introspection.Registry.Watch;

/// <summary>
/// Runs one Watch stream: the first message (snapshot, or the missed deltas on resume), then
/// coalesced deltas from the watcher's queue, and a reset snapshot whenever the queue overflowed or
/// the history was lost. The registry revision written last is the one the client resumes from.
/// </summary>
internal sealed partial class WatchSession
{
    private readonly IRegistryStore _store;
    private readonly WatchHub _hub;
    private readonly RegistryMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly RegistryWatchOptions _options;
    private readonly ILogger<WatchSession> _logger;

    public WatchSession(IRegistryStore store, WatchHub hub, RegistryMetrics metrics, IOptions<RegistryOptions> options, TimeProvider timeProvider, ILogger<WatchSession> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _hub = hub;
        _metrics = metrics;
        _options = options.Value.Watch;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Streams until <paramref name="cancellationToken"/> fires (the client went away or the server stops).</summary>
    public async Task RunAsync(WatchFilter filter, long sinceRevision, IAsyncStreamWriter<WatchResponse> writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(writer);
        if (filter.Compact)
        {
            writer = new CompactWatchWriter(writer);
        }

        // Subscribe before reading anything: every change after `dispatched` reaches the queue, and
        // the snapshot or history read below covers everything up to it, so nothing falls between.
        var (watcher, dispatched) = await _hub.SubscribeAsync(filter, cancellationToken).ConfigureAwait(false);
        using var closing = watcher.CloseWhen(cancellationToken);
        _metrics.WatcherOpened();
        Log.WatchStarted(_logger, filter.Namespace, filter.Apps?.Count ?? 0, sinceRevision);
        try
        {
            var sent = sinceRevision == 0
                ? await SendSnapshotAsync(filter, reset: false, writer, cancellationToken).ConfigureAwait(false)
                : await CatchUpAsync(filter, sinceRevision, dispatched, writer, cancellationToken).ConfigureAwait(false);

            var lastWrite = _timeProvider.GetTimestamp();
            while (true)
            {
                await watcher.WaitAsync().ConfigureAwait(false);
                var window = _options.CoalescingWindow;
                if (window > TimeSpan.Zero)
                {
                    // Leading edge: the window runs from the last message written, not from the change.
                    // A change after a quiet period goes out at once (sparse changes pay no latency);
                    // changes that follow a write within the window wait for its end, so a burst (a
                    // deployment rolling many instances) still gathers into one message per window.
                    var quiet = _timeProvider.GetElapsedTime(lastWrite);
                    if (quiet < window)
                    {
                        await Task.Delay(window - quiet, _timeProvider, cancellationToken).ConfigureAwait(false);
                    }
                }

                var events = watcher.Drain(out var reset);
                if (reset)
                {
                    Log.WatchReset(_logger, filter.Namespace, sent);
                    sent = await SendSnapshotAsync(filter, reset: true, writer, cancellationToken).ConfigureAwait(false);
                    lastWrite = _timeProvider.GetTimestamp();
                    continue;
                }

                // Events up to `sent` are already covered by the snapshot or catch-up just written.
                var index = events.FindIndex(e => e.Revision > sent);
                if (index < 0)
                {
                    continue;
                }

                // Watchers of an equal filter that drained the same range share one message, encoded once.
                var delta = watcher.Group.Delta(events, index, events.Count - index, sent);
                await WriteAsync(delta, events.Count - index, writer, cancellationToken).ConfigureAwait(false);
                sent = delta.Revision;
                lastWrite = _timeProvider.GetTimestamp();
                if (watcher.OldestDrained != 0)
                {
                    _metrics.Delivered(_timeProvider.GetElapsedTime(watcher.OldestDrained));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away or the server is stopping: a normal end of a watch.
        }
        finally
        {
            _hub.Unsubscribe(watcher);
            _metrics.WatcherClosed();
            Log.WatchEnded(_logger, filter.Namespace);
        }
    }

    private async Task<long> CatchUpAsync(WatchFilter filter, long sinceRevision, long dispatched, IAsyncStreamWriter<WatchResponse> writer, CancellationToken cancellationToken)
    {
        // Read what the watcher missed from the store's history, at least up to where the queue
        // takes over (`dispatched`) and on to the end of the history: the queue then skips what was
        // read here by revision, so nothing is lost or sent twice.
        var after = sinceRevision;
        var missed = new List<ChangeEvent>();
        while (true)
        {
            var batch = await _store.ReadChangesAsync(after, _options.ReadBatchSize, cancellationToken).ConfigureAwait(false);
            if (batch.HistoryLost)
            {
                Log.WatchHistoryLost(_logger, filter.Namespace, sinceRevision);
                return await SendSnapshotAsync(filter, reset: true, writer, cancellationToken).ConfigureAwait(false);
            }

            foreach (var change in batch.Events)
            {
                if (filter.Matches(change))
                {
                    missed.Add(change);
                }

                after = change.Revision;
            }

            if (batch.Events.Count == 0 || (after >= dispatched && batch.Events.Count < _options.ReadBatchSize))
            {
                break;
            }

            if (missed.Count >= _options.QueueCapacity)
            {
                // Flush as we go so a long catch-up never holds more than one batch in memory.
                await SendDeltaAsync(missed, 0, missed.Count, after, writer, cancellationToken).ConfigureAwait(false);
                missed.Clear();
            }
        }

        // One DELTA up to `after` (possibly without events): it tells the client the resume worked
        // and which revision it is at now; changes of other apps in between are covered by it.
        return await SendDeltaAsync(missed, 0, missed.Count, after, writer, cancellationToken).ConfigureAwait(false);
    }

    private async Task<long> SendSnapshotAsync(WatchFilter filter, bool reset, IAsyncStreamWriter<WatchResponse> writer, CancellationToken cancellationToken)
    {
        var snapshot = await _store.GetSnapshotAsync(filter.Namespace, filter.Apps, filter.IncludeMappings, cancellationToken).ConfigureAwait(false);
        var response = WatchResponseEncoder.Snapshot(snapshot, reset);
        if (reset)
        {
            _metrics.WatchReset();
        }

        await WriteAsync(response, snapshot.Instances.Count + snapshot.Mappings.Count, writer, cancellationToken).ConfigureAwait(false);
        return snapshot.Revision;
    }

    private async Task<long> SendDeltaAsync(List<ChangeEvent> events, int start, int count, long minimumRevision, IAsyncStreamWriter<WatchResponse> writer, CancellationToken cancellationToken)
    {
        var response = WatchResponseEncoder.Delta(events, start, count, minimumRevision);
        await WriteAsync(response, count, writer, cancellationToken).ConfigureAwait(false);
        return response.Revision;
    }

    private async Task WriteAsync(WatchResponse response, int events, IAsyncStreamWriter<WatchResponse> writer, CancellationToken cancellationToken)
    {
        await writer.WriteAsync(response, cancellationToken).ConfigureAwait(false);
        _metrics.Pushed(events, PreSerializedWatchResponses.SizeOf(response));
    }
}
