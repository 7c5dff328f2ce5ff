using Introspection.Client.Internal;
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
    private readonly TimeSpan _snapshotGrace;

    // Everything below is guarded by _gate.
    private readonly Dictionary<string, AppState> _apps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _mappings = new(StringComparer.Ordinal);

    // The (service, app) pairs of _mappings the registry no longer lists but empty protection keeps.
    private readonly HashSet<(string Service, string App)> _keptMappings = [];
    private readonly Dictionary<string, ServiceLookup> _lookups = new(StringComparer.Ordinal);
    private readonly HashSet<string> _wantedApps = new(StringComparer.Ordinal);
    private readonly Dictionary<ServiceTarget, ViewTarget> _targets = [];
    private TaskCompletionSource _wantedAppsChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _mappingsComplete;
    private bool _hasDiskData;

    // Provider endpoints whose connection died under calls (keep-alive unanswered), until when they are not routed to.
    private readonly Dictionary<(string Host, int Port), DateTimeOffset> _suspended = [];
    private string? _registryFailure;

    /// <param name="metadata">Where instance metadata comes from.</param>
    /// <param name="emptyProtection">Keep an app's last non-empty list when the registry suddenly lists none.</param>
    /// <param name="hasRegistry">False when no registry is configured: disk data is then all there will ever be.</param>
    /// <param name="resolveTimeout">How long a new target's first answer may wait to be complete.</param>
    /// <param name="timeProvider">The clock the resolve timeout is measured on.</param>
    /// <param name="logger">Receives empty-protection and unknown-message events.</param>
    /// <param name="snapshotGrace">
    /// How long a new target's first answer waits for the registry when disk data could answer it; null: until the
    /// registry answers, fails, or the resolve timeout passes.
    /// </param>
    public DiscoveryView(IMetadataLookup metadata, bool emptyProtection, bool hasRegistry, TimeSpan resolveTimeout, TimeProvider timeProvider, ILogger logger, TimeSpan? snapshotGrace = null)
    {
        _snapshotGrace = snapshotGrace ?? Timeout.InfiniteTimeSpan;
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
    public ViewTarget GetOrAddTarget(ServiceTarget target, IReadOnlyList<InstanceEndpoint>? pinned, out bool lookupNeeded, Sources.ExternalEndpoints? external = null)
    {
        lock (_gate)
        {
            lookupNeeded = false;
            if (_targets.TryGetValue(target, out var existing))
            {
                return existing;
            }

            var now = _timeProvider.GetUtcNow();
            // Saturated: a timeout too large to add to the clock means "never" rather than an exception.
            var deadline = _resolveTimeout >= DateTimeOffset.MaxValue - now ? DateTimeOffset.MaxValue : now + _resolveTimeout;
            var added = new ViewTarget(target, pinned, deadline, AddSaturated(now, _snapshotGrace), external);
            _targets.Add(target, added);
            if (pinned is null && external is null)
            {
                lookupNeeded = StartDiscovery(target);
            }

            return added;
        }
    }

    /// <summary>
    /// Stops routing to <paramref name="host"/>:<paramref name="port"/> for <paramref name="duration"/> (its
    /// connection died under calls). Returns false when it was already suspended. A target whose every endpoint is
    /// suspended still gets them all: a hung instance is better than none, and the registry decides who is gone.
    /// </summary>
    public bool SuspendEndpoint(string host, int port, TimeSpan duration)
    {
        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            if (_suspended.TryGetValue((host, port), out var until) && until > now)
            {
                return false;
            }

            foreach (var expired in _suspended.Where(p => p.Value <= now).Select(p => p.Key).ToArray())
            {
                _suspended.Remove(expired);
            }

            _suspended[(host, port)] = AddSaturated(now, duration);
            return true;
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
                _keptMappings.Remove((service, app));
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

    /// <summary>True once a disk snapshot added apps: new targets may then be answered from disk after the grace.</summary>
    public bool HasDiskData
    {
        get
        {
            lock (_gate)
            {
                return _hasDiskData;
            }
        }
    }

    /// <summary>The grace given to disk data (infinite: none; disk data waits for the registry or the resolve timeout).</summary>
    public TimeSpan SnapshotGrace => _snapshotGrace;

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
                _hasDiskData = true;
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

    /// <summary>Saturated: a grace too large to add to the clock, or infinite, means "never" rather than an exception.</summary>
    private static DateTimeOffset AddSaturated(DateTimeOffset now, TimeSpan span) =>
        span < TimeSpan.Zero || span >= DateTimeOffset.MaxValue - now ? DateTimeOffset.MaxValue : now + span;

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
}
