using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Stores;

namespace Introspection.Registry.Watch;

/// <summary>
/// The watchers of one node whose filters are equal (<see cref="WatchGroupKey"/>). They see the same events,
/// so a DELTA covering the same revision range is the same message for all of them: the first watcher to
/// drain a range builds and serializes it, the others reuse it. 1,000 consumers of one app cost one encode per
/// change, not 1,000.
/// </summary>
/// <remarks>
/// One slot (the last range built) is enough: watchers in step drain the same range, and a watcher that drained
/// a different range (it woke later and took one more event) simply builds its own. Reads of the slot take no
/// lock; only a miss does, so concurrent first misses of one range still build it once. The hub counts members under
/// its lock and drops the group with its last watcher.
/// </remarks>
internal sealed class WatchGroup(string key, bool compact)
{
    private readonly Lock _build = new();
    private SharedDelta? _last;

    public string Key { get; } = key;

    /// <summary>Watchers subscribed with this key (changed only under the hub's lock).</summary>
    public int Members { get; set; }

    /// <summary>
    /// The DELTA of <paramref name="count"/> events from <paramref name="start"/> after revision
    /// <paramref name="after"/>: shared when another member built the same range, serialized once either way.
    /// </summary>
    /// <remarks>
    /// The range (after, last event's revision] and the filter decide the events: every member queued every
    /// matching event after its subscription, and <paramref name="after"/> is at least that point. So equal
    /// ranges hold equal events.
    /// </remarks>
    public WatchResponse Delta(IReadOnlyList<ChangeEvent> events, int start, int count, long after)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var through = events[start + count - 1].Revision;
        if (Volatile.Read(ref _last) is { } last && last.After == after && last.Through == through)
        {
            return last.Response;
        }

        // Members woken by one change drain at the same moment: the first to miss builds under the lock and
        // the others, waiting on it, find its message instead of building their own.
        lock (_build)
        {
            if (_last is { } built && built.After == after && built.Through == through)
            {
                return built.Response;
            }

            return Build(events, start, count, after, through);
        }
    }

    private WatchResponse Build(IReadOnlyList<ChangeEvent> events, int start, int count, long after, long through)
    {
        var response = WatchResponseEncoder.Delta(events, start, count, after);
        if (compact)
        {
            // Before serializing: the payload is what goes out, and CompactWatchWriter leaves pre-serialized messages alone.
            WatchResponseEncoder.Compact(response);
        }

        PreSerializedWatchResponses.Serialize(response);
        Volatile.Write(ref _last, new SharedDelta(after, through, response));
        return response;
    }

    private sealed record SharedDelta(long After, long Through, WatchResponse Response);
}
