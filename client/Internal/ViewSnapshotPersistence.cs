using Google.Protobuf;
using Introspection.Client.View;
using Introspection.Protocol.Metadata.V1;
using Microsoft.Extensions.Logging;

namespace Introspection.Client.Internal;

/// <summary>
/// The disk snapshot of the view: read once at startup (into the view and the metadata cache), written after
/// changes — debounced, so a burst of Watch messages costs one write — and once more on dispose.
/// </summary>
internal sealed partial class ViewSnapshotPersistence
{
    private readonly ViewSnapshotStore _store;
    private readonly DiscoveryView _view;
    private readonly MetadataCache _metadata;
    private readonly string _namespace;
    private readonly TimeSpan _debounce;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly Lock _writeLock = new();
    private ITimer? _timer;
    private bool _dirty;

    // stopping: Once signalled no timer is started; the final <see cref="Flush"/> writes what is pending.
    public ViewSnapshotPersistence(
        ViewSnapshotStore store,
        DiscoveryView view,
        MetadataCache metadata,
        string @namespace,
        TimeSpan debounce,
        TimeProvider timeProvider,
        ILogger logger,
        CancellationToken stopping)
    {
        _store = store;
        _view = view;
        _metadata = metadata;
        _namespace = @namespace;
        _debounce = debounce;
        _timeProvider = timeProvider;
        _logger = logger;
        _stopping = stopping;
    }

    public string Path => _store.Path;

    public void Load()
    {
        var snapshot = _store.TryLoad();
        if (snapshot is null)
        {
            return;
        }

        if (!string.Equals(snapshot.Namespace, _namespace, StringComparison.Ordinal))
        {
            Log.SnapshotIgnored(_logger, _store.Path, $"it is for namespace '{snapshot.Namespace}'");
            return;
        }

        var metadataCount = 0;
        foreach (var encoded in snapshot.Metadata)
        {
            MetadataInfo info;
            try
            {
                info = MetadataInfo.Parser.ParseFrom(Convert.FromBase64String(encoded));
            }
            catch (Exception ex) when (ex is FormatException or InvalidProtocolBufferException)
            {
                Log.SnapshotIgnored(_logger, _store.Path, "it holds undecodable metadata");
                continue;
            }

            if (_metadata.TryAddVerified(new MetadataKey(info.App, info.Revision), info, out var reason))
            {
                metadataCount++;
            }
            else
            {
                Log.SnapshotMetadataRejected(_logger, info.App, info.Revision, reason!);
            }
        }

        var instanceCount = _view.LoadFromDisk(snapshot);
        Log.SnapshotLoaded(_logger, _store.Path, snapshot.SavedAt, snapshot.Apps.Count, instanceCount, metadataCount);
    }

    public void ScheduleWrite()
    {
        lock (_writeLock)
        {
            _dirty = true;
            if (_timer is null && !_stopping.IsCancellationRequested)
            {
                _timer = BackgroundWork.CreateTimer(_timeProvider, static s => ((ViewSnapshotPersistence)s!).Flush(), this, _debounce, Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void Flush()
    {
        lock (_writeLock)
        {
            _timer?.Dispose();
            _timer = null;
            if (!_dirty)
            {
                return;
            }

            _dirty = false;
            var snapshot = Capture();
            try
            {
                _store.Save(snapshot);
                Log.SnapshotWritten(_logger, _store.Path, snapshot.Apps.Count);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Log.SnapshotWriteFailed(_logger, _store.Path, ex);
            }
        }
    }

    private ViewSnapshot Capture()
    {
        var snapshot = new ViewSnapshot { Namespace = _namespace, SavedAt = _timeProvider.GetUtcNow() };
        foreach (var key in _view.CaptureInto(snapshot))
        {
            if (_metadata.Peek(key) is { } info)
            {
                snapshot.Metadata.Add(Convert.ToBase64String(info.ToByteArray()));
            }
        }

        return snapshot;
    }
}
