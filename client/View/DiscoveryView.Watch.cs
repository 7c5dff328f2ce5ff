using Introspection.Protocol.Registry.V1;

namespace Introspection.Client.View;

// Registry Watch messages in: snapshots and deltas, mappings, empty protection.
internal sealed partial class DiscoveryView
{
    /// <summary>
    /// Applies one Watch message of a stream serving <paramref name="streamApps"/>. A snapshot replaces the view of
    /// those apps and every mapping; a delta applies its events, skipping instances of apps the stream does not
    /// serve (a whole-namespace watch). Returns false for a message kind this client does not know (ignored).
    /// </summary>
    public bool Apply(IReadOnlySet<string> streamApps, WatchResponse response)
    {
        lock (_gate)
        {
            _registryFailure = null;
            switch (response.Kind)
            {
                case WatchResponseKind.Snapshot:
                    ApplySnapshot(streamApps, response);
                    return true;
                case WatchResponseKind.Delta:
                    ApplyDelta(streamApps, response);
                    // A resumed stream carries every mapping change since its revision: after a break (which
                    // cleared the flag) the mappings are whole again once it delivers.
                    _mappingsComplete = true;
                    return true;
                default:
                    Log.UnknownWatchMessage(_logger, (int)response.Kind);
                    return false;
            }
        }
    }

    /// <summary>The Watch stream broke: mappings may miss changes until a stream delivers again.</summary>
    public void WatchBroken(string failure)
    {
        lock (_gate)
        {
            _mappingsComplete = false;
            _registryFailure = failure;
        }
    }

    /// <summary>No Watch stream could be opened: targets still loading settle on what there is.</summary>
    public void RegistryUnreachable(string failure)
    {
        lock (_gate)
        {
            _registryFailure = failure;
        }
    }

    /// <summary>Under the gate after the registered instances of <paramref name="state"/> changed.</summary>
    private void UpdateEffective(AppState state)
    {
        if (state.Registered.Count > 0)
        {
            var list = state.Registered.Values.OrderBy(i => i.InstanceId, StringComparer.Ordinal).ToArray();
            state.Effective = list;
            state.LastNonEmpty = list;
            if (state.Protected)
            {
                state.Protected = false;
                Log.EmptyProtectionReleased(_logger, state.App, list.Length);
            }
        }
        else if (_emptyProtection && state.LastNonEmpty is { Count: > 0 } last)
        {
            state.Effective = last;
            if (!state.Protected)
            {
                state.Protected = true;
                Log.EmptyProtectionEngaged(_logger, state.App, last.Count);
            }
        }
        else
        {
            state.Effective = [];
        }
    }

    /// <summary>Under the gate: the snapshot replaces the view of the stream's apps and every mapping.</summary>
    private void ApplySnapshot(IReadOnlySet<string> streamApps, WatchResponse response)
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

        List<(string Service, string App)>? previous = null;
        foreach (var (service, apps) in _mappings)
        {
            foreach (var app in apps)
            {
                (previous ??= []).Add((service, app));
            }
        }

        _mappings.Clear();
        foreach (var mapping in response.ServiceMappings)
        {
            AddMapping(mapping.Service, mapping.App);
        }

        if (previous is not null)
        {
            foreach (var (service, app) in previous)
            {
                if (!_mappings.TryGetValue(service, out var apps) || !apps.Contains(app))
                {
                    DropMapping(service, app);
                }
            }
        }

        _mappingsComplete = true;
        foreach (var lookup in _lookups.Values)
        {
            lookup.Resolved = true;
            lookup.Failure = null;
        }

        ReleaseKeptMappings();
    }

    /// <summary>Under the gate. Instances of apps the stream does not serve (a whole-namespace watch) are skipped.</summary>
    private void ApplyDelta(IReadOnlySet<string> streamApps, WatchResponse response)
    {
        HashSet<AppState>? touched = null;
        List<(string Service, string App)>? deletedMappings = null;
        foreach (var change in response.Events)
        {
            switch (change.Type)
            {
                case WatchEventType.Put when change.Instance is { } instance && streamApps.Contains(instance.App):
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
                    AddMapping(mapping.Service, mapping.App);
                    break;
                case WatchEventType.MappingDelete when change.Mapping is { } mapping:
                    (deletedMappings ??= []).Add((mapping.Service, mapping.App));
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

        // After the instances: whether a deleted mapping is kept depends on the app's list after this message.
        if (deletedMappings is not null)
        {
            foreach (var (service, app) in deletedMappings)
            {
                DropMapping(service, app);
            }
        }

        ReleaseKeptMappings();
    }

    /// <summary>
    /// Under the gate, after the registry stopped mapping <paramref name="service"/> to <paramref name="app"/> (a
    /// snapshot without the pair, or a MAPPING_DELETE). With empty protection the pair is kept while the app still
    /// has instances routed to (registered, or kept by empty protection): a registry restarted empty lists an
    /// instance (Register) before its mapping (MapService), and without the mapping the kept instances would be
    /// unreachable. Keeping a stale pair is safe: a mapping only says which apps to look at, the instances' own
    /// metadata decides whether they expose the service, so an app that really stopped providing it yields no
    /// endpoint for it either way.
    /// </summary>
    private void DropMapping(string service, string app)
    {
        if (_emptyProtection && _apps.TryGetValue(app, out var state) && state.Effective.Count > 0)
        {
            if (!_mappings.TryGetValue(service, out var kept))
            {
                _mappings[service] = kept = new HashSet<string>(StringComparer.Ordinal);
            }

            kept.Add(app);
            if (_keptMappings.Add((service, app)))
            {
                Log.EmptyProtectionKeptMapping(_logger, service, app, state.Effective.Count);
            }

            return;
        }

        RemoveMapping(service, app);
    }

    /// <summary>Under the gate.</summary>
    private void RemoveMapping(string service, string app)
    {
        _keptMappings.Remove((service, app));
        if (_mappings.TryGetValue(service, out var apps))
        {
            apps.Remove(app);
            if (apps.Count == 0)
            {
                _mappings.Remove(service);
            }
        }
    }

    /// <summary>
    /// Under the gate, after a Watch message: a kept mapping whose app has no instance routed to any more (the
    /// registry lists none and empty protection holds none, e.g. a list read from disk) protects nothing and goes.
    /// </summary>
    private void ReleaseKeptMappings()
    {
        if (_keptMappings.Count == 0)
        {
            return;
        }

        List<(string Service, string App)>? released = null;
        foreach (var pair in _keptMappings)
        {
            if (!_apps.TryGetValue(pair.App, out var state) || state.Effective.Count == 0)
            {
                (released ??= []).Add(pair);
            }
        }

        if (released is null)
        {
            return;
        }

        foreach (var (service, app) in released)
        {
            RemoveMapping(service, app);
            Log.EmptyProtectionMappingReleased(_logger, service, app, "the app has no instance any more");
        }
    }

    /// <summary>Under the gate. A new app of a service in use joins the watched set.</summary>
    private void AddMapping(string service, string app)
    {
        if (!_mappings.TryGetValue(service, out var apps))
        {
            _mappings[service] = apps = new HashSet<string>(StringComparer.Ordinal);
        }

        apps.Add(app);
        if (_keptMappings.Remove((service, app)))
        {
            Log.EmptyProtectionMappingReleased(_logger, service, app, "the registry maps it again");
        }

        if (_lookups.ContainsKey(service))
        {
            AddWantedApp(app);
        }
    }
}
