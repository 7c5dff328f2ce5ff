using Grpc.Core;
using Introspection.Client.Internal;
using Introspection.Protocol.Metadata.V1;
using Introspection.Protocol.Registry.V1;

namespace Introspection.Client;

// The view: apps, mappings and targets, and how a target's endpoints are computed from them.
public sealed partial class IntrospectionClient
{
    private void StartDiscovery(ServiceTarget target)
    {
        lock (_gate)
        {
            if (target.App is { } app)
            {
                AddWantedApp(app);
                return;
            }

            if (_lookups.ContainsKey(target.Service))
            {
                return;
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
            }
            else if (_registry is not null)
            {
                var token = _stopping.Token;
                lookup.Task = Task.Run(() => RunLookupAsync(target.Service, lookup, token));
            }
            else
            {
                lookup.Failure = "no registry is configured";
            }
        }
    }

    /// <summary>
    /// Finds the apps of a service until the registry answers with at least one, or until a live Watch stream
    /// carries the mappings (then MAPPING_PUT events bring new apps).
    /// </summary>
    private async Task RunLookupAsync(string service, ServiceLookup lookup, CancellationToken cancellationToken)
    {
        var backoff = new Backoff(_options.RegistryRetryInitialBackoff, _options.RegistryRetryMaxBackoff, _random);
        try
        {
            while (true)
            {
                try
                {
                    var response = await _registry!.LookupServiceAsync(_options.Namespace, service, cancellationToken).ConfigureAwait(false);
                    lock (_gate)
                    {
                        lookup.Resolved = true;
                        lookup.Failure = null;
                        if (response.Apps.Count > 0)
                        {
                            if (!_mappings.TryGetValue(service, out var apps))
                            {
                                _mappings[service] = apps = new HashSet<string>(StringComparer.Ordinal);
                            }

                            foreach (var app in response.Apps)
                            {
                                apps.Add(app);
                                AddWantedApp(app);
                            }
                        }
                    }

                    Log.ServiceLookedUp(_logger, service, response.Apps.Count);
                    RequestRecompute();
                    ScheduleSnapshotWrite();
                    if (response.Apps.Count > 0)
                    {
                        return;
                    }

                    // Nobody provides it yet: ask again, less and less often (many clients may be asking).
                }
                catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    lock (_gate)
                    {
                        lookup.Failure = $"{ex.StatusCode}: {ex.Status.Detail}";
                        _registryFailure ??= lookup.Failure;
                    }

                    Log.ServiceLookupFailed(_logger, service, ex.StatusCode, ex);
                    RequestRecompute();
                }

                await Task.Delay(backoff.Next(), _timeProvider, cancellationToken).ConfigureAwait(false);
                lock (_gate)
                {
                    if (_mappingsComplete)
                    {
                        lookup.Resolved = true;
                        return;
                    }
                }
            }
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or RpcException)
        {
        }
    }

    /// <summary>Called under the gate.</summary>
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

    /// <summary>Called under the gate after the registered instances of <paramref name="state"/> changed.</summary>
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
        else if (_options.EmptyProtection && state.LastNonEmpty is { Count: > 0 } last)
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

    private IReadOnlyList<Instance> GetFetchCandidates(MetadataKey key)
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

    private void OnMetadataChanged()
    {
        RequestRecompute();
        ScheduleSnapshotWrite();
    }

    private void RequestRecompute() => _recompute.Writer.TryWrite(true);

    /// <summary>
    /// The single publisher: recomputes every target after any change and delivers changed resolutions in
    /// order. Callbacks run outside the gate, so a listener (the gRPC channel takes its own lock) can never
    /// deadlock with the registry or metadata paths.
    /// </summary>
    private async Task RunPumpAsync(CancellationToken cancellationToken)
    {
        var reader = _recompute.Reader;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out _))
                {
                }

                try
                {
                    Recompute();
                }
                catch (Exception ex)
                {
                    // The pump must outlive a bad computation, or no change would ever be published again.
                    Log.RecomputeFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private void Recompute()
    {
        List<(Subscription Subscription, ServiceResolution Resolution)>? deliveries = null;
        lock (_gate)
        {
            foreach (var state in _targets.Values)
            {
                var (resolution, publishable) = Compute(state);
                var current = state.Current;
                if (publishable && (current is null || !current.SameAs(resolution)))
                {
                    if (resolution.Endpoints.Count > 0)
                    {
                        state.EverHadEndpoints = true;
                    }

                    state.Current = resolution;
                    state.NewSubscriptions.Clear();
                    foreach (var subscription in state.Subscriptions)
                    {
                        (deliveries ??= []).Add((subscription, resolution));
                    }

                    state.FirstResult.TrySetResult(resolution);
                    Log.ResolutionChanged(_logger, state.Target.ToString(), resolution.Endpoints.Count, resolution.Status.StatusCode);
                }
                else if (state.Current is { } settled && state.NewSubscriptions.Count > 0)
                {
                    foreach (var subscription in state.NewSubscriptions)
                    {
                        (deliveries ??= []).Add((subscription, settled));
                    }

                    state.NewSubscriptions.Clear();
                }
            }
        }

        if (deliveries is null)
        {
            return;
        }

        foreach (var (subscription, resolution) in deliveries)
        {
            try
            {
                subscription.Deliver(resolution);
            }
            catch (Exception ex)
            {
                Log.SubscriberFailed(_logger, resolution.Target.ToString(), ex);
            }
        }
    }

    /// <summary>
    /// Computes a target's endpoints (under the gate). Publishable means "settled": nothing the answer depends on
    /// is still loading, or the answer already has endpoints, or the resolve timeout passed. An instance whose
    /// metadata is not known yet is never routed to.
    /// </summary>
    private (ServiceResolution Resolution, bool Publishable) Compute(TargetState state)
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

            if (appState.FromDisk && _registryFailure is null && _registry is not null)
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

        if (endpoints.Count > 0)
        {
            // The first answer waits until it is complete (a caller's first call should not see a partial
            // list); after that, whatever is routable is published at once.
            return (new ServiceResolution(target, endpoints, Status.DefaultSuccess), !pending || state.TimedOut || state.Current is not null);
        }

        var publishable = !pending || state.TimedOut;
        Status status;
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
        }
        else
        {
            var reason = instanceCount == 0 ? "its apps have no registered instances"
                : unknownMetadata == instanceCount ? "the metadata of its instances could not be fetched"
                : "no instance exposes it with the requested group/version";
            status = IntrospectionErrors.NoInstances(target, reason);
        }

        return (new ServiceResolution(target, [], status), publishable);
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
