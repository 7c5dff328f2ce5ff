using Grpc.Core;
using Introspection.Client.Internal;
using Introspection.Protocol.Metadata.V1;

namespace Introspection.Client.View;

// Answers out: a target's endpoints from instances and metadata, and whether they may be published yet.
internal sealed partial class DiscoveryView
{
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

    private bool IsTimedOut(ViewTarget target) => target.TimedOut || _timeProvider.GetUtcNow() >= target.Deadline;

    private bool IsDiskGraceOver(ViewTarget target) => target.DiskGraceElapsed || _timeProvider.GetUtcNow() >= target.DiskDeadline;

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

        if (state.External is { } external)
        {
            return ComputeExternal(state, external);
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

            if (appState.FromDisk && _registryFailure is null && _hasRegistry && !IsDiskGraceOver(state))
            {
                // Not published on disk data alone while the registry may still answer (the file may be old); still
                // computed, so a registry failure or the end of the grace publishes it at once. The grace is short
                // because a registry that accepts connections and never answers is only declared failed at its call
                // timeout, which is as long as a typical call deadline: a healthy registry answers well within it.
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

                int port;
                if (target.AppOnly is { } appTarget)
                {
                    // App-level (HttpClient, gateways): the instance's own port, when it serves the route asked for.
                    if (!HttpRouteMatcher.Serves(metadata, appTarget))
                    {
                        continue;
                    }

                    port = instance.Port;
                }
                else if (FindService(metadata, target) is { } service)
                {
                    port = service.Port != 0 ? service.Port : instance.Port;
                }
                else
                {
                    continue;
                }

                if (seen.Add((instance.Host, port)))
                {
                    endpoints.Add(new InstanceEndpoint(instance.Host, port, name, instance.InstanceId, instance.Revision, instance.Labels));
                }
            }
        }

        if (_suspended.Count > 0 && endpoints.Count > 1)
        {
            var now = _timeProvider.GetUtcNow();
            var routable = endpoints.Where(e => !_suspended.TryGetValue((e.Host, e.Port), out var until) || until <= now).ToList();
            if (routable.Count > 0)
            {
                endpoints = routable;
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
