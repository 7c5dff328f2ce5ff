using System.Collections.Concurrent;
using System.Threading.Channels;
using Introspection.Client.View;
using Microsoft.Extensions.Logging;

namespace Introspection.Client.Internal;

/// <summary>
/// The single publisher: after any change (coalesced through a channel) it has the view recompute every target and
/// delivers changed resolutions to subscribers, in order, never concurrently. Callbacks run outside every lock, so a
/// listener (the gRPC channel takes its own lock) can never deadlock with the registry or metadata paths. It also
/// owns each target's resolve-timeout timer and its first-result promise.
/// </summary>
internal sealed partial class ResolutionPublisher
{
    private readonly DiscoveryView _view;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _resolveTimeout;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly Channel<bool> _recompute = Channel.CreateUnbounded<bool>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<ServiceTarget, TargetState> _targets = new();

    // Guards subscriptions and target creation; taken before the view's lock, never after.
    private readonly Lock _gate = new();
    private Task _task = Task.CompletedTask;

    public ResolutionPublisher(DiscoveryView view, TimeProvider timeProvider, TimeSpan resolveTimeout, ILogger logger, CancellationToken stopping)
    {
        _view = view;
        _timeProvider = timeProvider;
        _resolveTimeout = resolveTimeout;
        _logger = logger;
        _stopping = stopping;
    }

    /// <summary>The running pump (completed before <see cref="Start"/>).</summary>
    public Task Completion => _task;

    public void Start() => _task = BackgroundWork.Run(() => RunAsync(_stopping));

    public bool TryGetTarget(ServiceTarget target, out TargetState state) => _targets.TryGetValue(target, out state!);

    /// <summary>
    /// Returns the state of <paramref name="target"/>, adding it (and its timeout timer) on first use.
    /// <paramref name="lookupNeeded"/> is true when the caller must start looking up its service.
    /// </summary>
    public TargetState GetOrAddTarget(ServiceTarget target, IReadOnlyList<InstanceEndpoint>? pinned, out bool added, out bool lookupNeeded, Sources.ExternalEndpoints? external = null)
    {
        lookupNeeded = false;
        added = false;
        lock (_gate)
        {
            if (_targets.TryGetValue(target, out var existing))
            {
                return existing;
            }

            var state = new TargetState(_view.GetOrAddTarget(target, pinned, out lookupNeeded, external));
            if (pinned is null)
            {
                // Created on a caller's first resolve, but it serves every later caller: not under that caller's context.
                state.Timer = BackgroundWork.CreateTimer(
                    _timeProvider,
                    static s =>
                    {
                        var (publisher, targetState) = ((ResolutionPublisher, TargetState))s!;
                        targetState.View.TimedOut = true;
                        publisher.RequestRecompute();
                    },
                    (this, state),
                    _resolveTimeout,
                    Timeout.InfiniteTimeSpan);

                // The view publishes disk data once its grace is over, but only when asked to recompute: without a
                // timer, a target waiting on a hung registry would only be answered at the registry call timeout.
                var grace = _view.SnapshotGrace;
                if (_view.HasDiskData && grace >= TimeSpan.Zero && grace < _resolveTimeout)
                {
                    state.GraceTimer = BackgroundWork.CreateTimer(
                        _timeProvider,
                        static s =>
                        {
                            var (publisher, targetState) = ((ResolutionPublisher, TargetState))s!;
                            targetState.View.DiskGraceElapsed = true;
                            publisher.RequestRecompute();
                        },
                        (this, state),
                        grace,
                        Timeout.InfiniteTimeSpan);
                }
            }

            _targets[target] = state;
            added = true;
            return state;
        }
    }

    public Subscription Subscribe(TargetState state, Action<ServiceResolution> onChange)
    {
        var subscription = new Subscription(state, onChange, Unsubscribe);
        lock (_gate)
        {
            state.Subscriptions.Add(subscription);
            state.NewSubscriptions.Add(subscription);
        }

        RequestRecompute();
        return subscription;
    }

    public void RequestRecompute() => _recompute.Writer.TryWrite(true);

    /// <summary>Stops the timers and the pump (the stopping token ends it); await <see cref="Completion"/> after.</summary>
    public void Stop()
    {
        _recompute.Writer.TryComplete();
        foreach (var target in _targets.Values)
        {
            target.Timer?.Dispose();
            target.GraceTimer?.Dispose();
        }
    }

    /// <summary>Runs one recompute and delivery now (the pump's body; tests call it directly).</summary>
    internal void Recompute()
    {
        List<(Subscription Subscription, ServiceResolution Resolution)>? deliveries = null;
        lock (_gate)
        {
            var changed = _view.Recompute();
            foreach (var state in _targets.Values)
            {
                if (changed is not null && changed.Contains(state.View) && state.Current is { } resolution)
                {
                    state.NewSubscriptions.Clear();
                    foreach (var subscription in state.Subscriptions)
                    {
                        (deliveries ??= []).Add((subscription, resolution));
                    }

                    state.FirstResult.TrySetResult(resolution);
                    Log.ResolutionChanged(_logger, state.Target.ToString(), resolution.Endpoints.Count, resolution.Status.StatusCode);
                }
                else if (state.Current is { } settled && state.NewSubscriptions.Count > 0)
                {
                    foreach (var subscription in state.NewSubscriptions)
                    {
                        (deliveries ??= []).Add((subscription, settled));
                    }

                    state.NewSubscriptions.Clear();
                }
            }
        }

        if (deliveries is null)
        {
            return;
        }

        foreach (var (subscription, resolution) in deliveries)
        {
            try
            {
                subscription.Deliver(resolution);
            }
            catch (Exception ex)
            {
                Log.SubscriberFailed(_logger, resolution.Target.ToString(), ex);
            }
        }
    }

    private void Unsubscribe(Subscription subscription)
    {
        lock (_gate)
        {
            subscription.Target.Subscriptions.Remove(subscription);
            subscription.Target.NewSubscriptions.Remove(subscription);
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var reader = _recompute.Reader;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out _))
                {
                }

                try
                {
                    Recompute();
                }
                catch (Exception ex)
                {
                    // The pump must outlive a bad computation, or no change would ever be published again.
                    Log.RecomputeFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
