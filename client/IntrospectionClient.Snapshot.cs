using Google.Protobuf;
using Introspection.Client.Internal;
using Introspection.Protocol.Metadata.V1;
using Introspection.Protocol.Registry.V1;

namespace Introspection.Client;

// The disk snapshot of the view: written on change (debounced), read at startup.
public sealed partial class IntrospectionClient
{
    private readonly Lock _snapshotWriteLock = new();
    private ITimer? _snapshotTimer;
    private bool _snapshotDirty;

    private void LoadSnapshot()
    {
        var snapshot = _snapshotStore?.TryLoad();
        if (snapshot is null)
        {
            return;
        }

        if (!string.Equals(snapshot.Namespace, _options.Namespace, StringComparison.Ordinal))
        {
            Log.SnapshotIgnored(_logger, _snapshotStore!.Path, $"it is for namespace '{snapshot.Namespace}'");
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
                Log.SnapshotIgnored(_logger, _snapshotStore!.Path, "it holds undecodable metadata");
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

        var instanceCount = 0;
        lock (_gate)
        {
            foreach (var app in snapshot.Apps)
            {
                var state = new AppState(app.App) { Synced = true, FromDisk = true };
                foreach (var saved in app.Instances)
                {
                    var instance = new Instance
                    {
                        App = app.App,
                        InstanceId = saved.InstanceId,
                        Host = saved.Host,
                        Port = saved.Port,
                        Revision = saved.Revision,
                    };
                    instance.Labels.Add(saved.Labels);
                    state.Registered[saved.InstanceId] = instance;
                    instanceCount++;
                }

                _apps[app.App] = state;
                UpdateEffective(state);

                // Empty protection guards against a registry that suddenly lost a list it was serving to this
                // process. A list read from disk may be long dead: when the registry says the app is empty,
                // believe it.
                state.LastNonEmpty = null;
            }

            foreach (var mapping in snapshot.Mappings)
            {
                AddMapping(new ServiceMapping { Service = mapping.Service, App = mapping.App });
            }
        }

        Log.SnapshotLoaded(_logger, _snapshotStore!.Path, snapshot.SavedAt, snapshot.Apps.Count, instanceCount, metadataCount);
    }

    private void ScheduleSnapshotWrite()
    {
        if (_snapshotStore is null)
        {
            return;
        }

        lock (_snapshotWriteLock)
        {
            _snapshotDirty = true;
            if (_snapshotTimer is null && Volatile.Read(ref _disposed) == 0)
            {
                _snapshotTimer = _timeProvider.CreateTimer(static s => ((IntrospectionClient)s!).FlushSnapshot(), this, _options.SnapshotDebounce, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void FlushSnapshot()
    {
        if (_snapshotStore is null)
        {
            return;
        }

        lock (_snapshotWriteLock)
        {
            _snapshotTimer?.Dispose();
            _snapshotTimer = null;
            if (!_snapshotDirty)
            {
                return;
            }

            _snapshotDirty = false;
            var snapshot = CaptureSnapshot();
            try
            {
                _snapshotStore.Save(snapshot);
                Log.SnapshotWritten(_logger, _snapshotStore.Path, snapshot.Apps.Count);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Log.SnapshotWriteFailed(_logger, _snapshotStore.Path, ex);
            }
        }
    }

    private ViewSnapshot CaptureSnapshot()
    {
        var snapshot = new ViewSnapshot { Namespace = _options.Namespace, SavedAt = _timeProvider.GetUtcNow() };
        var keys = new HashSet<MetadataKey>();
        lock (_gate)
        {
            foreach (var state in _apps.Values.OrderBy(a => a.App, StringComparer.Ordinal))
            {
                if (!state.Synced || state.Effective.Count == 0)
                {
                    continue;
                }

                var app = new ViewSnapshotApp { App = state.App };
                foreach (var instance in state.Effective)
                {
                    app.Instances.Add(new ViewSnapshotInstance
                    {
                        InstanceId = instance.InstanceId,
                        Host = instance.Host,
                        Port = instance.Port,
                        Revision = instance.Revision,
                        Labels = new Dictionary<string, string>(instance.Labels),
                    });
                    keys.Add(new MetadataKey(state.App, instance.Revision));
                }

                snapshot.Apps.Add(app);
            }

            foreach (var (service, apps) in _mappings.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                foreach (var app in apps.Order(StringComparer.Ordinal))
                {
                    snapshot.Mappings.Add(new ViewSnapshotMapping { Service = service, App = app });
                }
            }
        }

        foreach (var key in keys)
        {
            if (_metadata.Peek(key) is { } info)
            {
                snapshot.Metadata.Add(Convert.ToBase64String(info.ToByteArray()));
            }
        }

        return snapshot;
    }
}
