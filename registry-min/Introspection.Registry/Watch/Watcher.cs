using Introspection.Registry.Stores;

namespace Introspection.Registry.Watch;

/// <summary>
/// One watcher's bounded queue. The hub's pump offers events without ever waiting; when the queue is
/// full it is dropped and the watcher is marked for a reset snapshot, so a slow or stuck stream
/// costs at most <c>capacity</c> events of memory and never delays anyone else.
/// </summary>
internal sealed class Watcher
{
    private readonly Lock _lock = new();
    private readonly Queue<ChangeEvent> _queue = new();
    private readonly int _capacity;

    // Any number of offers between two drains ring it once.
    private readonly WatcherDoorbell _doorbell = new();

    private bool _resetPending;

    // TimeProvider timestamp of the oldest change queued since the last drain (0: none), for the delivery-lag metric.
    private long _oldestOffered;

    public Watcher(WatchFilter filter, int capacity, WatchGroup? group = null)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Filter = filter;
        _capacity = capacity;
        Group = group ?? new WatchGroup(WatchGroupKey.For(filter), filter.Compact);
    }

    public WatchFilter Filter { get; }

    /// <summary>The watchers with an equal filter, which share DELTA messages.</summary>
    public WatchGroup Group { get; }

    /// <summary>How many times this watcher overflowed (for tests and logs).</summary>
    public int Overflows { get; private set; }

    /// <summary>Called by the pump for every event, in revision order. Never blocks.</summary>
    /// <param name="change">The change, in revision order.</param>
    /// <param name="offeredAt">When the pump took it off the store's feed (a <see cref="TimeProvider"/> timestamp; 0: unknown).</param>
    /// <returns>False when this offer overflowed the queue.</returns>
    public bool Offer(ChangeEvent change, long offeredAt = 0)
    {
        if (!Filter.Matches(change))
        {
            return true;
        }

        lock (_lock)
        {
            if (_resetPending)
            {
                // Already going to send a snapshot, which will include this change.
                return true;
            }

            if (_queue.Count >= _capacity)
            {
                _queue.Clear();
                _resetPending = true;
                Overflows++;
                _doorbell.Ring();
                return false;
            }

            if (_queue.Count == 0)
            {
                _oldestOffered = offeredAt;
            }

            _queue.Enqueue(change);
        }

        _doorbell.Ring();
        return true;
    }

    /// <summary>The history this watcher depended on is gone: it must start over from a snapshot.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _queue.Clear();
            _resetPending = true;
        }

        _doorbell.Ring();
    }

    /// <summary>
    /// Waits until something was offered (or a reset is pending); throws <see cref="OperationCanceledException"/>
    /// once the token given to <see cref="CloseWhen"/> fired. One waiter at a time (the watch session).
    /// </summary>
    public ValueTask WaitAsync() => _doorbell.WaitAsync();

    /// <summary>Ends <see cref="WaitAsync"/> when <paramref name="cancellationToken"/> fires: registered once per watch, not per wait.</summary>
    public CancellationTokenRegistration CloseWhen(CancellationToken cancellationToken) =>
        cancellationToken.UnsafeRegister(static (doorbell, token) => ((WatcherDoorbell)doorbell!).Close(token), _doorbell);

    /// <summary>When the oldest change of the last <see cref="Drain"/> was offered (a TimeProvider timestamp; 0: none or unknown).</summary>
    public long OldestDrained { get; private set; }

    /// <summary>Takes everything queued. When <paramref name="reset"/> is true the events must be ignored and a reset snapshot sent.</summary>
    public List<ChangeEvent> Drain(out bool reset)
    {
        lock (_lock)
        {
            reset = _resetPending;
            _resetPending = false;
            OldestDrained = _oldestOffered;
            _oldestOffered = 0;
            var events = new List<ChangeEvent>(_queue);
            _queue.Clear();
            return events;
        }
    }
}
