using System.Threading.Tasks.Sources;

namespace Introspection.Registry.Watch;

/// <summary>
/// A one-slot, one-waiter async doorbell: any number of rings between two waits wake the waiter once. It
/// replaces a bounded channel of one item, which took a monitor lock on every ring and allocated an
/// operation and a cancellation registration on every wait. The pump rings up to one doorbell per watcher
/// per change while the woken sessions wait again on the other core, so that lock was contended on every
/// fan-out. Here a ring is one compare-exchange, a wait reuses one value-task source, and cancellation is
/// registered once for the life of the watch (<see cref="Close"/>).
/// </summary>
/// <remarks>
/// States: idle, rung (a ring nobody waited for yet), waiting (a waiter is parked on the source), closed.
/// Exactly one of a ring and a close takes a parked waiter out of "waiting", so the source completes once.
/// </remarks>
internal sealed class WatcherDoorbell : IValueTaskSource
{
    private const int Idle = 0;
    private const int Rung = 1;
    private const int Waiting = 2;
    private const int Closed = 3;

    // The waiter's continuation never runs on the thread that rings (the pump must not write to a stream) nor
    // on the thread that closes (a cancellation callback). Completing asynchronously queues it to that
    // thread's local queue: the pump's thread, already running, starts on the sessions at once while idle
    // workers steal the rest. Measured against queueing each wake-up to the global queue (as the channel
    // this replaced did): the median watcher gets a change ~1 ms after the writer's ack instead of 7-9 ms and
    // the p99 falls by a few ms, for ~9 % more registry CPU per delivery (bench/RESULTS.md, section 4).
    private ManualResetValueTaskSourceCore<bool> _source = new() { RunContinuationsAsynchronously = true };
    private int _state;
    private CancellationToken _closedBy;

    /// <summary>Whether a waiter is parked (diagnostics and tests).</summary>
    internal bool HasWaiter => Volatile.Read(ref _state) == Waiting;

    /// <summary>Wakes the waiter, or the next wait when nobody waits. Never blocks; a no-op once closed.</summary>
    public void Ring()
    {
        while (true)
        {
            switch (Volatile.Read(ref _state))
            {
                case Rung or Closed:
                    return;
                case Idle when Interlocked.CompareExchange(ref _state, Rung, Idle) == Idle:
                    return;
                case Waiting when Interlocked.CompareExchange(ref _state, Idle, Waiting) == Waiting:
                    _source.SetResult(true);
                    return;
            }
        }
    }

    /// <summary>
    /// Completes at the first ring since the last wait (at once when there was one). One waiter at a time.
    /// Throws <see cref="OperationCanceledException"/> once <see cref="Close"/> was called.
    /// </summary>
    public ValueTask WaitAsync()
    {
        while (true)
        {
            switch (Volatile.Read(ref _state))
            {
                case Rung when Interlocked.CompareExchange(ref _state, Idle, Rung) == Rung:
                    return ValueTask.CompletedTask;
                case Idle:
                    // The previous wait's result was consumed (one waiter, awaited before the next wait), so
                    // the source may be reused. Nobody touches it while idle; it is reset before "waiting" is
                    // published, so the ring that takes this waiter completes this version.
                    _source.Reset();
                    if (Interlocked.CompareExchange(ref _state, Waiting, Idle) == Idle)
                    {
                        return new ValueTask(this, _source.Version);
                    }

                    break;
                case Closed:
                    return ValueTask.FromCanceled(_closedBy.IsCancellationRequested ? _closedBy : new CancellationToken(canceled: true));
                case Waiting:
                    throw new InvalidOperationException("The doorbell has one waiter at a time.");
            }
        }
    }

    /// <summary>Ends the doorbell: a parked waiter and every later wait get <see cref="OperationCanceledException"/>.</summary>
    public void Close(CancellationToken cancellationToken)
    {
        _closedBy = cancellationToken;
        if (Interlocked.Exchange(ref _state, Closed) == Waiting)
        {
            _source.SetException(new OperationCanceledException(cancellationToken));
        }
    }

    void IValueTaskSource.GetResult(short token) => _source.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _source.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _source.OnCompleted(continuation, state, token, flags);
}
