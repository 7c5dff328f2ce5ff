using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using Introspection.Protocol;
using Introspection.Registry.Dashboard.Models;
using Introspection.Registry.Leases;
using Introspection.Registry.Stores;
using Introspection.Registry.Watch;

namespace Introspection.Registry.Dashboard;

/// <summary>
/// The one way the dashboard reaches registry data. Every read takes the caller (<see cref="ClaimsPrincipal"/> of
/// the request) and the namespace, and passes <see cref="EnsureMayRead"/> first: the single place where the
/// registry's read permission is enforced for the dashboard. The endpoints never touch the store directly.
/// </summary>
internal sealed class DashboardDataAccess
{
    private readonly IRegistryStore _store;
    private readonly DashboardFeed _feed;
    private readonly WatchHub _watchHub;
    private readonly SelfPreservationGuard _selfPreservation;
    private readonly DashboardMetadataClient _metadata;
    private readonly TimeProvider _timeProvider;

    public DashboardDataAccess(IRegistryStore store, DashboardFeed feed, WatchHub watchHub, SelfPreservationGuard selfPreservation, DashboardMetadataClient metadata, TimeProvider timeProvider)
    {
        _store = store;
        _feed = feed;
        _watchHub = watchHub;
        _selfPreservation = selfPreservation;
        _metadata = metadata;
        _timeProvider = timeProvider;
    }

    /// <summary>
    /// Whether <paramref name="user"/> may read <paramref name="ns"/> (canonical: never empty): the registry's read
    /// grant of that namespace, as for ListApps and Watch. The dashboard's endpoint filter authenticates every request
    /// with the registry's schemes and sets a <see cref="DashboardCallerIdentity"/>; a principal without one (nothing
    /// authenticated it) may read nothing.
    /// </summary>
    public static bool MayRead(ClaimsPrincipal user, string ns)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentException.ThrowIfNullOrEmpty(ns);
        return user.Identities.OfType<DashboardCallerIdentity>().FirstOrDefault() is { } identity
            && identity.Caller.Allows(Security.GrantLevel.Read, ns, app: null);
    }

    /// <summary>The namespace in canonical form ("" → "default"), or an error naming the rule.</summary>
    public static bool TryCanonicalNamespace(string? ns, out string canonical, [NotNullWhen(false)] out string? error)
    {
        canonical = string.IsNullOrEmpty(ns) ? WireContract.DefaultNamespace : ns;
        return WireContract.TryValidateNamespace("namespace", canonical, out error);
    }

    public IReadOnlyList<string> ListNamespaces(ClaimsPrincipal user)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal) { WireContract.DefaultNamespace };
        if (_store is INamespaceListing listing)
        {
            names.UnionWith(listing.ListNamespaces());
        }

        names.UnionWith(_feed.NamespacesSeen());
        return [.. names.Where(ns => MayRead(user, ns))];
    }

    public async Task<DashboardState> GetStateAsync(ClaimsPrincipal user, string ns, CancellationToken cancellationToken)
    {
        EnsureMayRead(user, ns);
        var snapshot = await _store.GetSnapshotAsync(ns, apps: null, includeMappings: true, cancellationToken).ConfigureAwait(false);
        var now = _timeProvider.GetUtcNow();
        var apps = snapshot.Instances
            .GroupBy(i => i.App, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new DashboardApp(
                g.Key,
                g.Count(),
                [.. g.GroupBy(i => i.Revision, StringComparer.Ordinal)
                    .Select(r => new DashboardRevisionCount(r.Key, r.Count()))
                    .OrderByDescending(r => r.Count)
                    .ThenBy(r => r.Revision, StringComparer.Ordinal)],
                [.. g.OrderBy(i => i.InstanceId, StringComparer.Ordinal).Select(i => new DashboardInstance(
                    i.InstanceId,
                    i.Host,
                    i.Port,
                    i.Revision,
                    i.Labels,
                    i.ModRevision,
                    _feed.RegisteredAt(ns, i.App, i.InstanceId) is { } at ? Math.Max(0, (now - at).TotalSeconds) : null))]))
            .ToList();
        var mappings = snapshot.Mappings
            .GroupBy(m => m.Service, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new DashboardMapping(g.Key, [.. g.Select(m => m.App).Order(StringComparer.Ordinal)]))
            .ToList();
        return new DashboardState(ns, snapshot.Revision, apps, mappings, GetRegistryState());
    }

    /// <summary>The node's own state; not namespace data, so the same for every caller who reached the dashboard.</summary>
    public DashboardRegistryState GetRegistryState() => new(
        _store.Name,
        _selfPreservation.IsPaused,
        _watchHub.WatcherCount,
        _feed.ClientCount,
        Math.Round(_feed.RenewalsPerSecond, 2),
        _feed.StartedAt);

    /// <summary>The instance's metadata, from the instance itself; null when the registry has no such instance.</summary>
    public async Task<DashboardMetadata?> GetInstanceMetadataAsync(ClaimsPrincipal user, string ns, string app, string instanceId, CancellationToken cancellationToken)
    {
        EnsureMayRead(user, ns);
        var instances = await _store.ListInstancesAsync(ns, app, cancellationToken).ConfigureAwait(false);
        var instance = instances.Instances.FirstOrDefault(i => string.Equals(i.InstanceId, instanceId, StringComparison.Ordinal));
        return instance is null ? null : await _metadata.FetchAsync(instance, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A doorbell rung on every change of <paramref name="ns"/>.</summary>
    public DashboardSubscription Subscribe(ClaimsPrincipal user, string ns)
    {
        EnsureMayRead(user, ns);
        return _feed.Subscribe(ns);
    }

    private static void EnsureMayRead(ClaimsPrincipal user, string ns)
    {
        if (!MayRead(user, ns))
        {
            throw new DashboardAccessDeniedException(ns);
        }
    }
}
