using System.Collections.Concurrent;

namespace Introspection.Bench.Load;

/// <summary>
/// What every consumer must eventually see, built from the registry's acknowledgements: per watched
/// registry app, instance id → registry revision of its last write. Also the time of each ack by
/// registry revision, which is where convergence latency is measured from.
/// </summary>
internal sealed class ExpectedState
{
    private readonly Dictionary<string, Dictionary<string, long>> _apps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, long> _ackTimestamps = new();

    public void Put(string app, string instanceId, long revision, long ackTimestamp)
    {
        _ackTimestamps[revision] = ackTimestamp;
        lock (_apps)
        {
            if (!_apps.TryGetValue(app, out var instances))
            {
                _apps[app] = instances = new Dictionary<string, long>(StringComparer.Ordinal);
            }

            // Writes to one instance are sequential, but keep the newest in case an ack is late.
            if (!instances.TryGetValue(instanceId, out var current) || current < revision)
            {
                instances[instanceId] = revision;
            }
        }
    }

    public void Delete(string app, string instanceId, long revision, long ackTimestamp)
    {
        _ackTimestamps[revision] = ackTimestamp;
        lock (_apps)
        {
            if (_apps.TryGetValue(app, out var instances))
            {
                instances.Remove(instanceId);
            }
        }
    }

    public bool TryGetAck(long revision, out long ackTimestamp) => _ackTimestamps.TryGetValue(revision, out ackTimestamp);

    /// <summary>True when <paramref name="view"/> holds exactly the expected instances of <paramref name="app"/> at their expected revisions.</summary>
    public bool Matches(string app, IReadOnlyDictionary<string, ViewEntry>? view, Func<ViewEntry, bool> ready)
    {
        lock (_apps)
        {
            _apps.TryGetValue(app, out var expected);
            var expectedCount = expected?.Count ?? 0;
            var viewCount = view?.Count ?? 0;
            if (expectedCount != viewCount)
            {
                return false;
            }

            if (expected is null || view is null)
            {
                return true;
            }

            foreach (var (id, revision) in expected)
            {
                if (!view.TryGetValue(id, out var seen) || seen.ModRevision != revision || !ready(seen))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
