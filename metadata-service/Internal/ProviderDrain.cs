namespace Introspection.Provider.Internal;

/// <summary>Counts in-flight gRPC calls and tracked work, and flips the instance into refusing new calls.</summary>
internal sealed class ProviderDrain : IProviderDrain, IDisposable
{
    private readonly CancellationTokenSource _draining = new();
    private int _inFlight;
    private int _pendingWork;
    // Replaced on every decrement: a waiter reads it, checks the counters, then awaits it, so a
    // decrement between the read and the check still wakes it.
    private TaskCompletionSource _changed = NewSignal();

    public bool IsDraining => _draining.IsCancellationRequested;

    public CancellationToken Draining => _draining.Token;

    public int InFlightCalls => Volatile.Read(ref _inFlight);

    public int PendingWork => Volatile.Read(ref _pendingWork);

    public IDisposable TrackWork(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Interlocked.Increment(ref _pendingWork);
        return new WorkHandle(this);
    }

    /// <summary>Called by the middleware before a gRPC call runs. False: the call must be refused.</summary>
    public bool TryEnterCall()
    {
        Interlocked.Increment(ref _inFlight);
        if (IsDraining)
        {
            ExitCall();
            return false;
        }

        return true;
    }

    public void ExitCall()
    {
        Interlocked.Decrement(ref _inFlight);
        Signal();
    }

    public void BeginDrain()
    {
        if (!_draining.IsCancellationRequested)
        {
            _draining.Cancel();
        }
    }

    /// <summary>Completes when no call is in flight and no tracked work is pending.</summary>
    public async Task WaitForIdleAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var signal = Volatile.Read(ref _changed).Task;
            if (InFlightCalls == 0 && PendingWork == 0)
            {
                return;
            }

            await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _draining.Dispose();

    private void Signal() => Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class WorkHandle(ProviderDrain owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref owner._pendingWork);
                owner.Signal();
            }
        }
    }
}
