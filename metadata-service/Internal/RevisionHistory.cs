using Introspection.Protocol.Metadata.V1;

namespace Introspection.Provider.Internal;

/// <summary>
/// The current metadata and the few it replaced. A consumer that read an older revision from the
/// registry during a rollout is still served; after <c>capacity</c> newer revisions or
/// <c>retention</c> time it is told NOT_FOUND instead.
/// </summary>
internal sealed class RevisionHistory
{
    private readonly TimeProvider _timeProvider;
    private readonly Func<(int Capacity, TimeSpan Retention)> _limits;
    private readonly object _lock = new();
    // Newest first. Small (default 16), so a list beats a dictionary here.
    private readonly List<(MetadataInfo Info, DateTimeOffset RetiredAt)> _previous = [];
    private MetadataInfo? _current;

    public RevisionHistory(TimeProvider timeProvider, Func<(int Capacity, TimeSpan Retention)> limits)
    {
        _timeProvider = timeProvider;
        _limits = limits;
    }

    public MetadataInfo? Current
    {
        get
        {
            lock (_lock)
            {
                return _current;
            }
        }
    }

    /// <summary>Makes <paramref name="info"/> current. Returns false when its revision already is.</summary>
    public bool SetCurrent(MetadataInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        lock (_lock)
        {
            if (_current is not null && string.Equals(_current.Revision, info.Revision, StringComparison.Ordinal))
            {
                return false;
            }

            var now = _timeProvider.GetUtcNow();
            _previous.RemoveAll(p => string.Equals(p.Info.Revision, info.Revision, StringComparison.Ordinal));
            if (_current is not null)
            {
                _previous.Insert(0, (_current, now));
            }

            _current = info;
            Prune(now);
            return true;
        }
    }

    /// <summary>The metadata of <paramref name="revision"/> when it is current or still kept.</summary>
    public MetadataInfo? Find(string revision)
    {
        lock (_lock)
        {
            if (_current is not null && string.Equals(_current.Revision, revision, StringComparison.Ordinal))
            {
                return _current;
            }

            Prune(_timeProvider.GetUtcNow());
            foreach (var (info, _) in _previous)
            {
                if (string.Equals(info.Revision, revision, StringComparison.Ordinal))
                {
                    return info;
                }
            }

            return null;
        }
    }

    /// <summary>Revisions kept besides the current one, newest first.</summary>
    public IReadOnlyList<string> PreviousRevisions()
    {
        lock (_lock)
        {
            Prune(_timeProvider.GetUtcNow());
            return _previous.Select(p => p.Info.Revision).ToList();
        }
    }

    private void Prune(DateTimeOffset now)
    {
        var (capacity, retention) = _limits();
        if (_previous.Count > capacity)
        {
            _previous.RemoveRange(capacity, _previous.Count - capacity);
        }

        _previous.RemoveAll(p => now - p.RetiredAt > retention);
    }
}
