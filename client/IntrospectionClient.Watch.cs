using Grpc.Core;
using Introspection.Client.Internal;
using Introspection.Protocol.Registry.V1;

namespace Introspection.Client;

// The registry Watch: one multiplexed stream for every app in use.
public sealed partial class IntrospectionClient
{
    /// <summary>
    /// Keeps one Watch stream open for the apps in use. A broken stream is resumed from the last revision it
    /// applied when the same address answers again; another address starts from a snapshot. When the app set
    /// grows, a new stream for the wider set is opened next to the old one, and the old one is dropped only once
    /// the new one's snapshot replaced the view: no event is lost and the view never goes blank in between.
    /// </summary>
    private async Task RunWatchAsync(CancellationToken cancellationToken)
    {
        var backoff = new Backoff(_options.RegistryRetryInitialBackoff, _options.RegistryRetryMaxBackoff, _random);
        WatchStream? active = null;
        (long Revision, HashSet<string> Apps, int RegistryIndex)? resume = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                string[] apps;
                Task changed;
                lock (_gate)
                {
                    apps = _wantedApps.Order(StringComparer.Ordinal).ToArray();
                    changed = _wantedAppsChanged.Task;
                }

                if (apps.Length == 0)
                {
                    await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (active is not null && active.Covers(apps))
                {
                    await Task.WhenAny(active.Completion, changed).WaitAsync(cancellationToken).ConfigureAwait(false);
                    if (!active.Completion.IsCompleted)
                    {
                        continue;
                    }

                    bool established;
                    long revision;
                    lock (_gate)
                    {
                        established = active.Established;
                        revision = active.LastRevision;
                        _mappingsComplete = false;
                        _registryFailure = Describe(active.Failure);
                    }

                    _metrics.WatchReconnected();
                    Log.WatchBroken(_logger, active.Address, revision, active.Failure);
                    if (!established)
                    {
                        // It never answered: try the next address. A stream that worked and then broke gets one more
                        // try on its own address, where it can resume.
                        _registry!.MarkFailed(active.RegistryIndex);
                    }

                    if (established && revision > 0)
                    {
                        resume = (revision, active.AppSet, active.RegistryIndex);
                        backoff.Reset();
                    }

                    active.Dispose();
                    active = null;
                    RequestRecompute();
                    await Task.Delay(backoff.Next(), _timeProvider, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                // Resume only the very same app set on the very same address: an app added since has no history
                // on this watcher, and another address may be another registry whose revisions mean something
                // else (a revision it also has would silently skip changes). Anything else starts from a snapshot.
                var (client, index, address) = _registry!.Current();
                var since = active is null && resume is { } r && r.Apps.SetEquals(apps) && r.RegistryIndex == index ? r.Revision : 0;
                var request = new WatchRequest { Namespace = _options.Namespace, SinceRevision = since, IncludeServiceMappings = true };
                request.Apps.Add(apps);
                WatchStream? stream = null;
                try
                {
                    stream = new WatchStream(client, index, address, request, cancellationToken);
                    if (since == 0)
                    {
                        var first = await stream.ReadFirstAsync(_options.RegistryCallTimeout, _timeProvider).ConfigureAwait(false);
                        if (first.Kind != WatchResponseKind.Snapshot)
                        {
                            throw new RpcException(new Status(StatusCode.Internal, $"The registry's first Watch message was {first.Kind}, not a snapshot."));
                        }

                        ApplyWatchResponse(stream, first);
                    }

                    stream.StartReading(ApplyWatchResponse);
                    Log.WatchOpened(_logger, address, apps.Length, since);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    stream?.Dispose();
                    lock (_gate)
                    {
                        _registryFailure = Describe(ex);
                    }

                    _metrics.WatchReconnected();
                    Log.WatchOpenFailed(_logger, address, ex);
                    _registry.MarkFailed(index);
                    RequestRecompute();
                    await Task.Delay(backoff.Next(), _timeProvider, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (since == 0)
                {
                    backoff.Reset();
                }

                active?.Dispose();
                active = stream;
                resume = null;
            }
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or RpcException)
        {
            // Stopping: a read in flight ends with either.
        }
        finally
        {
            active?.Dispose();
        }
    }

    private static string Describe(Exception? exception) => exception switch
    {
        RpcException rpc => $"{rpc.StatusCode}: {rpc.Status.Detail}",
        null => "the Watch stream ended",
        _ => exception.Message,
    };

    /// <summary>Applies one Watch message; returns false when the stream was superseded (stop reading it).</summary>
    private bool ApplyWatchResponse(WatchStream stream, WatchResponse response)
    {
        lock (_gate)
        {
            if (stream.Superseded || Volatile.Read(ref _disposed) != 0)
            {
                return false;
            }

            if (!stream.Established)
            {
                stream.Established = true;
                if (_activeStream is { } previous && !ReferenceEquals(previous, stream))
                {
                    previous.Superseded = true;
                }

                _activeStream = stream;
            }

            _registryFailure = null;
            stream.LastRevision = response.Revision;
            switch (response.Kind)
            {
                case WatchResponseKind.Snapshot:
                    ApplySnapshot(stream.AppSet, response);
                    break;
                case WatchResponseKind.Delta:
                    ApplyDelta(response);
                    break;
                default:
                    Log.UnknownWatchMessage(_logger, (int)response.Kind);
                    break;
            }
        }

        _metrics.WatchMessage(response.Kind == WatchResponseKind.Snapshot ? "snapshot" : "delta");
        if (response.Kind == WatchResponseKind.Snapshot)
        {
            Log.WatchSnapshot(_logger, response.Revision, response.Instances.Count, response.ServiceMappings.Count, response.Reset);
        }

        RequestRecompute();
        ScheduleSnapshotWrite();
        return true;
    }

    /// <summary>Under the gate: the snapshot replaces the view of the stream's apps and every mapping.</summary>
    private void ApplySnapshot(HashSet<string> streamApps, WatchResponse response)
    {
        var byApp = response.Instances.GroupBy(i => i.App, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        foreach (var app in streamApps)
        {
            if (!_apps.TryGetValue(app, out var state))
            {
                _apps[app] = state = new AppState(app);
            }

            state.Registered.Clear();
            if (byApp.TryGetValue(app, out var instances))
            {
                foreach (var instance in instances)
                {
                    state.Registered[instance.InstanceId] = instance;
                }
            }

            state.Synced = true;
            state.FromDisk = false;
            UpdateEffective(state);
        }

        _mappings.Clear();
        foreach (var mapping in response.ServiceMappings)
        {
            AddMapping(mapping);
        }

        _mappingsComplete = true;
        foreach (var lookup in _lookups.Values)
        {
            lookup.Resolved = true;
            lookup.Failure = null;
        }
    }

    /// <summary>Under the gate.</summary>
    private void ApplyDelta(WatchResponse response)
    {
        HashSet<AppState>? touched = null;
        foreach (var change in response.Events)
        {
            switch (change.Type)
            {
                case WatchEventType.Put when change.Instance is { } instance:
                {
                    if (!_apps.TryGetValue(instance.App, out var state))
                    {
                        _apps[instance.App] = state = new AppState(instance.App) { Synced = true };
                    }

                    state.Registered[instance.InstanceId] = instance;
                    (touched ??= []).Add(state);
                    break;
                }

                case WatchEventType.Delete when change.Instance is { } instance:
                {
                    if (_apps.TryGetValue(instance.App, out var state) && state.Registered.Remove(instance.InstanceId))
                    {
                        (touched ??= []).Add(state);
                    }

                    break;
                }

                case WatchEventType.MappingPut when change.Mapping is { } mapping:
                    AddMapping(mapping);
                    break;
                case WatchEventType.MappingDelete when change.Mapping is { } mapping:
                    if (_mappings.TryGetValue(mapping.Service, out var apps))
                    {
                        apps.Remove(mapping.App);
                        if (apps.Count == 0)
                        {
                            _mappings.Remove(mapping.Service);
                        }
                    }

                    break;
            }
        }

        if (touched is not null)
        {
            foreach (var state in touched)
            {
                UpdateEffective(state);
            }
        }
    }

    /// <summary>Under the gate. A new app of a service in use joins the watched set.</summary>
    private void AddMapping(ServiceMapping mapping)
    {
        if (!_mappings.TryGetValue(mapping.Service, out var apps))
        {
            _mappings[mapping.Service] = apps = new HashSet<string>(StringComparer.Ordinal);
        }

        apps.Add(mapping.App);
        if (_lookups.ContainsKey(mapping.Service))
        {
            AddWantedApp(mapping.App);
        }
    }
}
