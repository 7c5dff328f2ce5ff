namespace Introspection.Provider.Internal;

internal sealed partial class ProviderLifecycle
{
    /// <summary>
    /// Deregister, wait for consumers to hear of it, refuse new calls, let in-flight calls and
    /// tracked work end. Each step is logged; the whole sequence is bounded by
    /// <see cref="IntrospectionProviderOptions.ShutdownTimeout"/> and by the host's own token.
    /// </summary>
    private async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _shutdownStarted, 1) != 0)
        {
            return;
        }

        // A root span of its own: the host's stop is not a request, and the steps below are what a slow stop is about.
        using var activity = ProviderActivitySource.Instance.StartActivity(ProviderActivitySource.Shutdown, System.Diagnostics.ActivityKind.Internal, parentContext: default);
        var options = _options ?? _optionsMonitor.CurrentValue;
        var failed = State == ProviderState.Failed;
        State = ProviderState.ShuttingDown;
        using var timeout = new CancellationTokenSource(options.ShutdownTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        var token = linked.Token;
        var started = _timeProvider.GetTimestamp();
        var step = "stop renewals";
        Log.ShutdownStarting(_logger, options.ShutdownTimeout.TotalSeconds);
        try
        {
            // Renewals stop first: a renewal answered NOT_FOUND right after the deregistration
            // would otherwise register the instance again.
            await _stopping.CancelAsync().ConfigureAwait(false);
            List<Task> loops;
            lock (_lock)
            {
                loops = [_startup, .. _loops];
            }

            await Task.WhenAll(loops).WaitAsync(token).ConfigureAwait(false);

            step = "deregister";
            // The lease stops its renewals before it deregisters, for the same reason as above.
            var count = Lease is { } lease ? await lease.DeleteAsync(token).ConfigureAwait(false) : 0;
            Log.ShutdownDeregistered(_logger, count, Registrations.Count);
            activity?.AddEvent(new System.Diagnostics.ActivityEvent("deregistered", tags: new() { ["introspection.registration.count"] = count }));

            step = "propagation delay";
            if (count > 0 && options.PropagationDelay > TimeSpan.Zero)
            {
                Log.ShutdownPropagationDelay(_logger, options.PropagationDelay.TotalMilliseconds);
                await Task.Delay(options.PropagationDelay, _timeProvider, token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            Log.ShutdownStepTimedOut(_logger, step, _drain.InFlightCalls, _drain.PendingWork);
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, $"{step} timed out");
        }
        finally
        {
            // Refusing new calls must happen even if an earlier step ran out of time.
            _drain.BeginDrain();
            Log.ShutdownRefusingCalls(_logger, _drain.InFlightCalls, _drain.PendingWork);
            activity?.AddEvent(new System.Diagnostics.ActivityEvent("refusing_calls", tags: new() { ["introspection.drain.in_flight"] = _drain.InFlightCalls }));
        }

        try
        {
            await _drain.WaitForIdleAsync(token).ConfigureAwait(false);
            Log.ShutdownDrained(_logger, _timeProvider.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            Log.ShutdownStepTimedOut(_logger, "drain", _drain.InFlightCalls, _drain.PendingWork);
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "drain timed out");
        }

        if (failed)
        {
            State = ProviderState.Failed;
        }
    }
}
