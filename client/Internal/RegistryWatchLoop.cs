using Grpc.Core;
using Introspection.Client.View;
using Introspection.Protocol.Registry.V1;
using Microsoft.Extensions.Logging;

namespace Introspection.Client.Internal;

/// <summary>
/// Keeps one Watch stream open for the apps the view wants and feeds its messages to the view. A broken stream is
/// resumed from the last revision it applied on any node of the same registry (configuration entry); another
/// registry starts from a snapshot. When the app set grows, a new stream for the wider set is opened next to the
/// old one, and the old one is dropped only once the new one's snapshot replaced the view: no event is lost and
/// the view never goes blank in between.
/// </summary>
internal sealed partial class RegistryWatchLoop
{
    /// <summary>Most apps the registry accepts in one Watch (it answers RESOURCE_EXHAUSTED above).</summary>
    internal const int MaxWatchApps = 1024;

    private readonly RegistryConnection _registry;
    private readonly DiscoveryView _view;
    private readonly IntrospectionClientOptions _options;
    private readonly IRandomSource _random;
    private readonly TimeProvider _timeProvider;
    private readonly IntrospectionClientMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Action _recompute;
    private readonly Action _viewChanged;
    private readonly CancellationToken _stopping;

    // Which stream the view follows. Its own lock (not the view's): taken around a message's apply so that once a
    // newer stream delivered, no message of the stream it replaced is applied after it.
    private readonly Lock _streamGate = new();
    private WatchStream? _activeStream;
    private Task _task = Task.CompletedTask;

    // recompute: Asks for the targets to be recomputed (the registry state changed, not the view).
    // viewChanged: The view changed: recompute and persist.
    public RegistryWatchLoop(
        RegistryConnection registry,
        DiscoveryView view,
        IntrospectionClientOptions options,
        IRandomSource random,
        TimeProvider timeProvider,
        IntrospectionClientMetrics metrics,
        ILogger logger,
        Action recompute,
        Action viewChanged,
        CancellationToken stopping)
    {
        _registry = registry;
        _view = view;
        _options = options;
        _random = random;
        _timeProvider = timeProvider;
        _metrics = metrics;
        _logger = logger;
        _recompute = recompute;
        _viewChanged = viewChanged;
        _stopping = stopping;
    }

    /// <summary>The running loop (completed before <see cref="Start"/>); it ends when stopping is signalled.</summary>
    public Task Completion => _task;

    public void Start() => _task = BackgroundWork.Run(() => RunAsync(_stopping));

    /// <summary>Closes the stream the view follows (on dispose, after the loop ended).</summary>
    public void DisposeActiveStream()
    {
        lock (_streamGate)
        {
            _activeStream?.Dispose();
            _activeStream = null;
        }
    }

    /// <summary>
    /// The Watch request for <paramref name="apps"/>. Above <see cref="MaxWatchApps"/> the registry would refuse
    /// the list on every retry, so the whole namespace is watched instead (an empty app list) and the client keeps
    /// only what it uses: the view is keyed by app and unused apps are never resolved.
    /// </summary>
    internal static WatchRequest BuildWatchRequest(string @namespace, IReadOnlyCollection<string> apps, long sinceRevision)
    {
        // Compact: repeated apps and revisions come once per message (protocol/COMPACT.md); WatchStream expands them.
        var request = new WatchRequest { Namespace = @namespace, SinceRevision = sinceRevision, IncludeServiceMappings = true, Compact = true };
        if (apps.Count <= MaxWatchApps)
        {
            request.Apps.Add(apps);
        }

        return request;
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = new Backoff(_options.RegistryRetryInitialBackoff, _options.RegistryRetryMaxBackoff, _random);
        WatchStream? active = null;
        (long Revision, HashSet<string> Apps, int Group)? resume = null;
        var reconnecting = false;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var (apps, changed) = _view.GetWantedApps();
                if (apps.Length == 0)
                {
                    await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (active is not null && active.Covers(apps))
                {
                    await Task.WhenAny(active.Completion, changed).WaitAsync(cancellationToken).ConfigureAwait(false);
                    if (!active.Completion.IsCompleted)
                    {
                        continue;
                    }

                    bool established;
                    long revision;
                    lock (_streamGate)
                    {
                        established = active.Established;
                        revision = active.LastRevision;
                    }

                    _view.WatchBroken(Describe(active.Failure));
                    _metrics.WatchReconnected();
                    reconnecting = true;
                    Log.WatchBroken(_logger, active.Address, revision, active.Failure);
                    if (!established)
                    {
                        // It never answered: try the next address. A stream that worked and then broke gets one more
                        // try on its own address; if that fails too, the next node of the same registry resumes it.
                        _registry.MarkFailed(active.RegistryIndex);
                    }

                    if (established && revision > 0)
                    {
                        resume = (revision, active.AppSet, _registry.GroupOf(active.RegistryIndex));
                        backoff.Reset();
                    }
                    else if (!established && active.SinceRevision > 0)
                    {
                        // A resume that never answered (its node is down) is still owed: the next node of the same
                        // registry resumes from the same revision instead of starting over from a snapshot.
                        resume = (active.SinceRevision, active.AppSet, _registry.GroupOf(active.RegistryIndex));
                    }

                    active.Dispose();
                    active = null;
                    _recompute();
                    await Task.Delay(backoff.Next(), _timeProvider, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                // Resume only the very same app set on a node of the very same registry (configuration entry): an app
                // added since has no history on this watcher. Nodes of one entry share one store and one revision
                // history, so a revision read on one means the same on the other. Another entry is an independent
                // registry whose revisions are unrelated (a revision it also has would silently skip changes), so it
                // starts from a snapshot. Should an entry list unrelated nodes after all, the registry answers an
                // unknown revision with a SNAPSHOT (reset=true), which replaces the view like any snapshot.
                var (client, index, address) = _registry.Current();
                var since = active is null && resume is { } r && r.Apps.SetEquals(apps) && r.Group == _registry.GroupOf(index) ? r.Revision : 0;
                var request = BuildWatchRequest(_options.Namespace, apps, since);
                WatchStream? stream = null;
                // Ends before the stream's reader starts (that runs without any ambient context anyway).
                var connect = WatchConnectTelemetry.Start(_options.Namespace, address, apps.Length, since, reconnecting);
                try
                {
                    stream = new WatchStream(client, index, address, apps, request, cancellationToken);
                    if (since == 0)
                    {
                        var first = await stream.ReadFirstAsync(_options.RegistryCallTimeout, _timeProvider).ConfigureAwait(false);
                        if (first.Kind != WatchResponseKind.Snapshot)
                        {
                            throw new RpcException(new Status(StatusCode.Internal, $"The registry's first Watch message was {first.Kind}, not a snapshot."));
                        }

                        Apply(stream, first);
                    }

                    WatchConnectTelemetry.Stop(connect, null);
                    stream.StartReading(Apply);
                    Log.WatchOpened(_logger, address, apps.Length, since);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    WatchConnectTelemetry.Stop(connect, ex);
                    reconnecting = true;
                    stream?.Dispose();
                    _view.RegistryUnreachable(Describe(ex));
                    _metrics.WatchReconnected();
                    Log.WatchOpenFailed(_logger, address, ex);
                    _registry.MarkFailed(index);
                    _recompute();
                    await Task.Delay(backoff.Next(), _timeProvider, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                finally
                {
                    // Stopping (the one exit without Stop above): end the span rather than leave it open.
                    connect?.Dispose();
                }

                if (since == 0)
                {
                    backoff.Reset();
                }

                reconnecting = false;
                active?.Dispose();
                active = stream;
                resume = null;
            }
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or RpcException)
        {
            // Stopping: a read in flight ends with either.
        }
        finally
        {
            active?.Dispose();
        }
    }

    private static string Describe(Exception? exception) => exception switch
    {
        RpcException rpc => $"{rpc.StatusCode}: {rpc.Status.Detail}",
        null => "the Watch stream ended",
        _ => exception.Message,
    };

    /// <summary>Applies one Watch message; returns false when the stream was superseded (stop reading it).</summary>
    private bool Apply(WatchStream stream, WatchResponse response)
    {
        var received = _timeProvider.GetTimestamp();
        lock (_streamGate)
        {
            if (stream.Superseded || _stopping.IsCancellationRequested)
            {
                return false;
            }

            if (!stream.Established)
            {
                stream.Established = true;
                _metrics.WatchOpened(resumed: stream.SinceRevision != 0 && response.Kind == WatchResponseKind.Delta);
                if (_activeStream is { } previous && !ReferenceEquals(previous, stream))
                {
                    previous.Superseded = true;
                }

                _activeStream = stream;
            }

            stream.LastRevision = response.Revision;
            _view.Apply(stream.AppSet, response);
        }

        if (response.Kind == WatchResponseKind.Snapshot)
        {
            Log.WatchSnapshot(_logger, response.Revision, response.Instances.Count, response.ServiceMappings.Count, response.Reset);
        }

        _viewChanged();
        _metrics.WatchMessage(response.Kind == WatchResponseKind.Snapshot ? "snapshot" : "delta", _timeProvider.GetElapsedTime(received));
        return true;
    }
}
