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

        _mappings.Clear();
        foreach (var mapping in response.ServiceMappings)
        {
            AddMapping(mapping.Service, mapping.App);
        }

        _mappingsComplete = true;
        foreach (var lookup in _lookups.Values)
        {
            lookup.Resolved = true;
            lookup.Failure = null;
        }
    }

    /// <summary>Under the gate. Instances of apps the stream does not serve (a whole-namespace watch) are skipped.</summary>
    private void ApplyDelta(IReadOnlySet<string> streamApps, WatchResponse response)
    {
        HashSet<AppState>? touched = null;
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
    private void AddMapping(string service, string app)
    {
        if (!_mappings.TryGetValue(service, out var apps))
        {
            _mappings[service] = apps = new HashSet<string>(StringComparer.Ordinal);
        }

        apps.Add(app);
        if (_lookups.ContainsKey(service))
        {
            AddWantedApp(app);
        }
    }
}
