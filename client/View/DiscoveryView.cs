using Grpc.Core;
using Introspection.Client.Internal;
using Introspection.Protocol.Metadata.V1;
using Introspection.Protocol.Registry.V1;
using Microsoft.Extensions.Logging;

namespace Introspection.Client.View;

/// <summary>
/// What the client knows, and the answers computed from it — with no I/O. The loops around it feed it (registry
/// Watch messages, service lookups, the disk snapshot) and read from it (the apps to watch, the instances a
/// metadata fetch may ask, the resolutions to publish); metadata is reached through <see cref="IMetadataLookup"/>,
/// which never blocks. Every member takes the view's one lock, so the loops need no lock of their own around it.
/// </summary>
/// <remarks>
/// Modelled on grpc-dotnet's split between <c>PollingResolver</c> (the loop) and <c>SubchannelsLoadBalancer</c>
/// (state that can be tested by calling it): every rule of discovery lives here and is unit-tested without servers.
/// </remarks>
internal sealed partial class DiscoveryView
{
    private readonly Lock _gate = new();
    private readonly IMetadataLookup _metadata;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly bool _emptyProtection;
    private readonly bool _hasRegistry;
    private readonly TimeSpan _resolveTimeout;

    // Everything below is guarded by _gate.
    private readonly Dictionary<string, AppState> _apps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _mappings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ServiceLookup> _lookups = new(StringComparer.Ordinal);
    private readonly HashSet<string> _wantedApps = new(StringComparer.Ordinal);
    private readonly Dictionary<ServiceTarget, ViewTarget> _targets = [];
    private TaskCompletionSource _wantedAppsChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _mappingsComplete;
    private string? _registryFailure;

    /// <param name="metadata">Where instance metadata comes from.</param>
    /// <param name="emptyProtection">Keep an app's last non-empty list when the registry suddenly lists none.</param>
    /// <param name="hasRegistry">False when no registry is configured: disk data is then all there will ever be.</param>
    /// <param name="resolveTimeout">How long a new target's first answer may wait to be complete.</param>
    /// <param name="timeProvider">The clock the resolve timeout is measured on.</param>
    /// <param name="logger">Receives empty-protection and unknown-message events.</param>
    public DiscoveryView(IMetadataLookup metadata, bool emptyProtection, bool hasRegistry, TimeSpan resolveTimeout, TimeProvider timeProvider, ILogger logger)
    {
        _metadata = metadata;
        _emptyProtection = emptyProtection;
        _hasRegistry = hasRegistry;
        _resolveTimeout = resolveTimeout;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>
    /// Returns the view's record of <paramref name="target"/>, adding it on first use. <paramref name="lookupNeeded"/>
    /// is true when the caller must start looking up the apps of its service (see <see cref="LookupAnswered"/>).
    /// </summary>
    public ViewTarget GetOrAddTarget(ServiceTarget target, IReadOnlyList<InstanceEndpoint>? pinned, out bool lookupNeeded)
    {
        lock (_gate)
        {
            lookupNeeded = false;
            if (_targets.TryGetValue(target, out var existing))
            {
                return existing;
            }

            // Saturated: a timeout too large to add to the clock means "never" rather than an exception.
            var now = _timeProvider.GetUtcNow();
            var deadline = _resolveTimeout >= DateTimeOffset.MaxValue - now ? DateTimeOffset.MaxValue : now + _resolveTimeout;
            var added = new ViewTarget(target, pinned, deadline);
            _targets.Add(target, added);
            if (pinned is null)
            {
                lookupNeeded = StartDiscovery(target);
            }

            return added;
        }
    }

    /// <summary>The apps to watch, and a task completed when that set grows.</summary>
    public (string[] Apps, Task Changed) GetWantedApps()
    {
        lock (_gate)
        {
            return (_wantedApps.Order(StringComparer.Ordinal).ToArray(), _wantedAppsChanged.Task);
        }
    }

    /// <summary>The registry answered a lookup of <paramref name="service"/>: its apps become wanted.</summary>
    public void LookupAnswered(string service, IReadOnlyCollection<string> apps)
    {
        lock (_gate)
        {
            var lookup = GetLookup(service);
            lookup.Resolved = true;
            lookup.Failure = null;
            if (apps.Count == 0)
            {
                return;
            }

            if (!_mappings.TryGetValue(service, out var mapped))
            {
                _mappings[service] = mapped = new HashSet<string>(StringComparer.Ordinal);
            }

            foreach (var app in apps)
            {
                mapped.Add(app);
                AddWantedApp(app);
            }
        }
    }

    /// <summary>A lookup of <paramref name="service"/> failed: the target reports it unless the registry answers later.</summary>
    public void LookupFailed(string service, string failure)
    {
        lock (_gate)
        {
            GetLookup(service).Failure = failure;
            _registryFailure ??= failure;
        }
    }

    /// <summary>
    /// True (and the lookup is done) when a live Watch stream carries every mapping: MAPPING_PUT events then
    /// bring new apps of <paramref name="service"/>, so asking again is pointless.
    /// </summary>
    public bool TryCompleteLookup(string service)
    {
        lock (_gate)
        {
            if (!_mappingsComplete)
            {
                return false;
            }

            GetLookup(service).Resolved = true;
            return true;
        }
    }

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

    /// <summary>Adds the apps and mappings of a disk snapshot; returns how many instances it held.</summary>
    public int LoadFromDisk(ViewSnapshot snapshot)
    {
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
                AddMapping(mapping.Service, mapping.App);
            }
        }

        return instanceCount;
    }

    /// <summary>Writes the routable apps and every mapping into <paramref name="snapshot"/>; returns the metadata it needs.</summary>
    public IReadOnlyCollection<MetadataKey> CaptureInto(ViewSnapshot snapshot)
    {
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

        return keys;
    }

    /// <summary>The routed instances of an app that serve <paramref name="key"/>'s revision: whom a metadata fetch may ask.</summary>
    public IReadOnlyList<Instance> GetFetchCandidates(MetadataKey key)
    {
        lock (_gate)
        {
            if (!_apps.TryGetValue(key.App, out var state))
            {
                return [];
            }

            return state.Effective.Where(i => i.Revision == key.Revision).ToArray();
        }
    }

    /// <summary>The instances routed to for <paramref name="app"/> (sorted by instance id; empty when unknown).</summary>
    public IReadOnlyList<Instance> GetInstances(string app)
    {
        lock (_gate)
        {
            // Effective is replaced, never mutated: handing it out needs no copy.
            return _apps.TryGetValue(app, out var state) ? state.Effective : [];
        }
    }

    /// <summary>True while empty protection keeps <paramref name="app"/>'s last non-empty list.</summary>
    public bool IsProtected(string app)
    {
        lock (_gate)
        {
            return _apps.TryGetValue(app, out var state) && state.Protected;
        }
    }

    /// <summary>The apps the registry maps <paramref name="service"/> to.</summary>
    public IReadOnlyList<string> GetMappedApps(string service)
    {
        lock (_gate)
        {
            return _mappings.TryGetValue(service, out var apps) ? apps.Order(StringComparer.Ordinal).ToArray() : [];
        }
    }

    /// <summary>
    /// Recomputes every target and records, as its <see cref="ViewTarget.Current"/>, each answer that is
    /// publishable and differs from the last one. Returns those targets: the caller delivers them.
    /// </summary>
    public HashSet<ViewTarget>? Recompute()
    {
        HashSet<ViewTarget>? changed = null;
        lock (_gate)
        {
            foreach (var target in _targets.Values)
            {
                var (resolution, publishable) = Compute(target);
                if (publishable && (target.Current is not { } current || !current.SameAs(resolution)))
                {
                    if (resolution.Endpoints.Count > 0)
                    {
                        target.EverHadEndpoints = true;
                    }

                    target.Current = resolution;
                    (changed ??= []).Add(target);
                }
            }
        }

        return changed;
    }

    /// <summary>Computes the answer for <paramref name="target"/> now without recording it (tests and diagnostics).</summary>
    public (ServiceResolution Resolution, bool Publishable) Evaluate(ViewTarget target)
    {
        lock (_gate)
        {
            return Compute(target);
        }
    }

    private ServiceLookup GetLookup(string service)
    {
        if (!_lookups.TryGetValue(service, out var lookup))
        {
            _lookups[service] = lookup = new ServiceLookup();
        }

        return lookup;
    }

    /// <summary>Under the gate. Returns true when the apps of the target's service must be looked up.</summary>
    private bool StartDiscovery(ServiceTarget target)
    {
        if (target.App is { } app)
        {
            AddWantedApp(app);
            return false;
        }

        if (_lookups.ContainsKey(target.Service))
        {
            return false;
        }

        var lookup = new ServiceLookup();
        _lookups[target.Service] = lookup;
        if (_mappings.TryGetValue(target.Service, out var apps))
        {
            foreach (var mapped in apps)
            {
                AddWantedApp(mapped);
            }
        }

        if (_mappingsComplete)
        {
            // A live Watch stream carries every mapping of the namespace: nothing to look up.
            lookup.Resolved = true;
            return false;
        }

        if (!_hasRegistry)
        {
            lookup.Failure = "no registry is configured";
            return false;
        }

        return true;
    }

    /// <summary>Under the gate.</summary>
    private void AddWantedApp(string app)
    {
        if (!_apps.ContainsKey(app))
        {
            _apps[app] = new AppState(app);
        }

        if (_wantedApps.Add(app))
        {
            var changed = _wantedAppsChanged;
            _wantedAppsChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            changed.TrySetResult();
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

    private bool IsTimedOut(ViewTarget target) => target.TimedOut || _timeProvider.GetUtcNow() >= target.Deadline;

    /// <summary>
    /// Computes a target's endpoints (under the gate). Publishable means "settled": nothing the answer depends on
    /// is still loading, or the answer already has endpoints, or the resolve timeout passed. An instance whose
    /// metadata is not known yet is never routed to.
    /// </summary>
    private (ServiceResolution Resolution, bool Publishable) Compute(ViewTarget state)
    {
        var target = state.Target;
        if (state.Static is { } pinned)
        {
            return (new ServiceResolution(target, pinned, Status.DefaultSuccess), true);
        }

        IEnumerable<string> apps;
        var pending = false;
        string? lookupFailure = null;
        var mappingKnown = true;
        if (target.App is { } app)
        {
            apps = [app];
        }
        else
        {
            _mappings.TryGetValue(target.Service, out var mapped);
            apps = mapped is null ? [] : mapped.Order(StringComparer.Ordinal);
            _lookups.TryGetValue(target.Service, out var lookup);
            mappingKnown = (mapped?.Count ?? 0) > 0 || lookup is { Resolved: true };
            lookupFailure = lookup?.Failure;
            if (!mappingKnown && lookupFailure is null && _registryFailure is null)
            {
                pending = true;
            }
        }

        var endpoints = new List<InstanceEndpoint>();
        var seen = new HashSet<(string, int)>();
        var instanceCount = 0;
        var unknownMetadata = 0;
        foreach (var name in apps)
        {
            if (!_apps.TryGetValue(name, out var appState) || !appState.Synced)
            {
                pending |= _registryFailure is null;
                continue;
            }

            if (appState.FromDisk && _registryFailure is null && _hasRegistry)
            {
                // Not published on disk data alone while the registry may still answer; still computed, so a
                // timeout or a registry failure publishes it at once.
                pending = true;
            }

            foreach (var instance in appState.Effective)
            {
                instanceCount++;
                var metadata = _metadata.GetOrFetch(new MetadataKey(name, instance.Revision), out var fetchState);
                if (metadata is null)
                {
                    unknownMetadata++;
                    pending |= fetchState == MetadataFetchState.Fetching;
                    continue;
                }

                var service = FindService(metadata, target);
                if (service is null)
                {
                    continue;
                }

                var port = service.Port != 0 ? service.Port : instance.Port;
                if (seen.Add((instance.Host, port)))
                {
                    endpoints.Add(new InstanceEndpoint(instance.Host, port, name, instance.InstanceId, instance.Revision, instance.Labels));
                }
            }
        }

        var timedOut = IsTimedOut(state);
        if (endpoints.Count > 0)
        {
            // The first answer waits until it is complete (a caller's first call should not see a partial
            // list); after that, whatever is routable is published at once.
            return (new ServiceResolution(target, endpoints, Status.DefaultSuccess), !pending || timedOut || state.Current is not null);
        }

        var publishable = !pending || timedOut;
        Status status;
        IntrospectionErrorKind kind;
        if (!state.EverHadEndpoints)
        {
            var reason = (_registryFailure ?? lookupFailure) is { } failure
                ? $"the registry is unreachable ({failure}) and no snapshot holds it"
                : pending ? "discovery timed out"
                : !mappingKnown || !apps.Any() ? "no app provides it in the registry"
                : instanceCount == 0 ? "its apps have no registered instances"
                : unknownMetadata == instanceCount ? "the metadata of its instances could not be fetched"
                : "no instance exposes it with the requested group/version";
            status = IntrospectionErrors.ServiceNotDiscovered(target, reason);
            kind = IntrospectionErrorKind.ServiceNotDiscovered;
        }
        else
        {
            var reason = instanceCount == 0 ? "its apps have no registered instances"
                : unknownMetadata == instanceCount ? "the metadata of its instances could not be fetched"
                : "no instance exposes it with the requested group/version";
            status = IntrospectionErrors.NoInstances(target, reason);
            kind = IntrospectionErrorKind.NoInstances;
        }

        return (new ServiceResolution(target, [], status, kind), publishable);
    }

    private static ServiceInfo? FindService(MetadataInfo metadata, ServiceTarget target)
    {
        foreach (var service in metadata.Services)
        {
            if (service.Name == target.Service
                && (target.Group is null || service.Group == target.Group)
                && (target.Version is null || service.Version == target.Version)
                && (service.Protocol.Length == 0 || string.Equals(service.Protocol, "grpc", StringComparison.OrdinalIgnoreCase)))
            {
                return service;
            }
        }

        return null;
    }
}
