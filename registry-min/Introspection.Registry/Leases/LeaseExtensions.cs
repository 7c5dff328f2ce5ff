using System.Collections.Concurrent;

namespace Introspection.Registry.Leases;

/// <summary>
/// Node-local count of the renewals this registry granted on the strength of a probe alone, per
/// lease. Reset when the instance renews the lease itself (KeepAlive on this node), when the lease
/// is evicted, and forgotten when no extension happened for a long while (leases that went away by
/// other means), so it holds at most the leases recently extended.
/// </summary>
/// <remarks>
/// Node-local on purpose: with a shared store an instance may renew through another node, which
/// this node does not see; the count then only ever grows, so such a lease is evicted sooner,
/// never kept longer. That errs towards the behaviour without probing.
/// </remarks>
internal sealed class LeaseExtensions
{
    private readonly ConcurrentDictionary<long, Entry> _entries = new();

    public int Count => _entries.Count;

    /// <summary>Extensions granted in a row so far.</summary>
    public int Get(long leaseId) => _entries.TryGetValue(leaseId, out var entry) ? entry.Count : 0;

    /// <summary>Records one more extension. Answers the new count.</summary>
    public int Extended(long leaseId, DateTimeOffset now) =>
        _entries.AddOrUpdate(leaseId, static (_, at) => new Entry(1, at), static (_, e, at) => new Entry(e.Count + 1, at), now).Count;

    /// <summary>The instance renewed its lease itself, or the lease is gone.</summary>
    public void Reset(long leaseId)
    {
        if (!_entries.IsEmpty)
        {
            _entries.TryRemove(leaseId, out _);
        }
    }

    /// <summary>Forgets leases last extended before <paramref name="olderThan"/>.</summary>
    public void Prune(DateTimeOffset olderThan)
    {
        foreach (var (leaseId, entry) in _entries)
        {
            if (entry.LastExtendedAt < olderThan)
            {
                _entries.TryRemove(leaseId, out _);
            }
        }
    }

    private readonly record struct Entry(int Count, DateTimeOffset LastExtendedAt);
}
