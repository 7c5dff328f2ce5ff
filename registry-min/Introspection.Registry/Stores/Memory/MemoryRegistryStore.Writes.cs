namespace Introspection.Registry.Stores.Memory;

internal sealed partial class MemoryRegistryStore
{
    public ValueTask<RegisterResult> RegisterAsync(string ns, InstanceRecord instance, TimeSpan ttl, CancellationToken cancellationToken) =>
        RegisterAsync(ns, instance, ttl, LeaseOwnership.Anonymous, cancellationToken);

    public ValueTask<RegisterResult> RegisterAsync(string ns, InstanceRecord instance, TimeSpan ttl, LeaseOwnership ownership, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var labels = LabelSet.From(instance.Labels);
        var host = PackedHost.From(instance.Host);
        var owner = ownership.Principal;
        lock (_lock)
        {
            // Ownership and caps first, before anything changes: a refused call leaves no trace (not even an empty namespace).
            var isNew = !TryGetInstance(ns, instance.App, instance.InstanceId, out var existingSlot);
            var previousOwner = existingSlot?.Owner?.Name;
            if (!isNew && owner is not null && !ownership.IsAdmin && previousOwner is not null && !string.Equals(previousOwner, owner, StringComparison.Ordinal))
            {
                throw new RegistryOwnershipException(ns, instance.App, instance.InstanceId);
            }

            if (owner is not null && !string.Equals(previousOwner, owner, StringComparison.Ordinal))
            {
                AdmitPrincipal(owner, ns);
            }

            if (isNew)
            {
                AdmitNamespace(ns);
                if (_namespaces.TryGetValue(ns, out var existing) && existing.InstanceCount >= _limits.MaxInstancesPerNamespace)
                {
                    throw new RegistryLimitExceededException(nameof(RegistryLimitsOptions.MaxInstancesPerNamespace), _limits.MaxInstancesPerNamespace, $"namespace '{ns}' has {existing.InstanceCount} instances");
                }
            }

            var state = GetOrAddNamespace(ns);
            if (!state.Apps.TryGetValue(instance.App, out var app))
            {
                app = new AppInstances(ns, instance.App);
                state.Apps.Add(instance.App, app);
            }

            state.IdleSince.Remove(instance.App);
            if (existingSlot is not null)
            {
                // Replacing revokes the old lease: a renewal with it answers NOT_FOUND from now on.
                app.Slots.Remove(existingSlot);
                _leases.Remove(existingSlot);
                ReleasePrincipal(previousOwner, ns);
                ReleaseShared(existingSlot);
            }
            else
            {
                state.InstanceCount++;
            }

            var leaseId = NewLeaseId();
            var now = _timeProvider.GetUtcNow();
            var revision = ++_revision;
            // The slot refers to the app's own name and namespace string, shared by all its instances.
            var slot = new InstanceSlot(app, instance.InstanceId, leaseId)
            {
                Owner = AddPrincipal(owner, ns),
                Host = host,
                Port = instance.Port,
                TtlTicks = ttl.Ticks,
                ExpiresAtUtcTicks = (now + ttl).UtcTicks,
                Revision = AcquireRevision(instance.Revision),
                Labels = AcquireLabels(labels),
                ModRevision = revision,
            };
            app.Slots.Add(slot);
            _leases.Add(slot);
            // The history holds this record for up to MaxEvents changes: built from the shared strings, not
            // the request's, so it does not keep a second copy of app and revision alive per event.
            var record = new InstanceRecord(app.Name, slot.InstanceId, instance.Host, instance.Port, slot.Revision.Value, slot.Labels, revision);
            Append(new ChangeEvent(revision, ChangeKind.Put, ns, record, null), now);
            return ValueTask.FromResult(new RegisterResult(leaseId, ttl, revision));
        }
    }

    public ValueTask<RenewResult> RenewAsync(string ns, long leaseId, CancellationToken cancellationToken) =>
        RenewAsync(ns, leaseId, LeaseOwnership.Anonymous, cancellationToken);

    public ValueTask<long?> UpdateInstanceAsync(string ns, string app, string instanceId, string? revision, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken) =>
        UpdateInstanceAsync(ns, app, instanceId, revision, labels, LeaseOwnership.Anonymous, cancellationToken);

    public ValueTask<long?> UpdateInstanceAsync(string ns, string app, string instanceId, string? revision, IReadOnlyDictionary<string, string>? labels, LeaseOwnership ownership, CancellationToken cancellationToken)
    {
        var newLabels = labels is null ? null : LabelSet.From(labels);
        lock (_lock)
        {
            if (!TryGetInstance(ns, app, instanceId, out var slot))
            {
                return ValueTask.FromResult<long?>(null);
            }

            CheckOwner(ns, slot, ownership);

            var changedRevision = revision is not null && !string.Equals(revision, slot.Revision.Value, StringComparison.Ordinal);
            var changedLabels = newLabels is not null && !newLabels.ContentEquals(slot.Labels);
            if (!changedRevision && !changedLabels)
            {
                return ValueTask.FromResult<long?>(slot.ModRevision);
            }

            var registryRevision = ++_revision;
            if (changedRevision)
            {
                var previous = slot.Revision;
                slot.Revision = AcquireRevision(revision!);
                ReleaseRevision(previous);
            }

            if (changedLabels)
            {
                var previous = slot.Labels;
                slot.Labels = AcquireLabels(newLabels!);
                ReleaseLabels(previous);
            }

            slot.ModRevision = registryRevision;
            Append(new ChangeEvent(registryRevision, ChangeKind.Put, ns, slot.ToRecord(), null), _timeProvider.GetUtcNow());
            return ValueTask.FromResult<long?>(registryRevision);
        }
    }

    public ValueTask<long?> DeregisterAsync(string ns, string app, string instanceId, CancellationToken cancellationToken) =>
        DeregisterAsync(ns, app, instanceId, LeaseOwnership.Anonymous, cancellationToken);

    public ValueTask<long?> DeregisterAsync(string ns, string app, string instanceId, LeaseOwnership ownership, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!TryGetInstance(ns, app, instanceId, out var slot))
            {
                return ValueTask.FromResult<long?>(null);
            }

            CheckOwner(ns, slot, ownership);

            return ValueTask.FromResult<long?>(RemoveInstance(ns, slot));
        }
    }

    public ValueTask<long> MapServicesAsync(string ns, string app, IReadOnlyList<string> services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        lock (_lock)
        {
            _namespaces.TryGetValue(ns, out var existing);
            var added = 0;
            foreach (var service in services)
            {
                if (existing is null || !existing.Services.TryGetValue(service, out var mapped) || !mapped.Contains(app))
                {
                    added++;
                }
            }

            if (added == 0)
            {
                return ValueTask.FromResult(_revision);
            }

            // All or nothing: the caps are checked for the whole call before the first pair is added.
            AdmitNamespace(ns);
            var appServices = existing is not null && existing.AppServices.TryGetValue(app, out var known) ? known.Count : 0;
            if (appServices + added > _limits.MaxServicesPerApp)
            {
                throw new RegistryLimitExceededException(nameof(RegistryLimitsOptions.MaxServicesPerApp), _limits.MaxServicesPerApp, $"app '{app}' in namespace '{ns}' is mapped to {appServices} services and asks for {added} more");
            }

            var mappings = existing?.MappingCount ?? 0;
            if (mappings + added > _limits.MaxMappingsPerNamespace)
            {
                throw new RegistryLimitExceededException(nameof(RegistryLimitsOptions.MaxMappingsPerNamespace), _limits.MaxMappingsPerNamespace, $"namespace '{ns}' has {mappings} mappings and the call adds {added}");
            }

            var state = GetOrAddNamespace(ns);
            var now = _timeProvider.GetUtcNow();
            if (!state.AppServices.TryGetValue(app, out var ofApp))
            {
                ofApp = new SortedSet<string>(StringComparer.Ordinal);
                state.AppServices.Add(app, ofApp);
            }

            foreach (var service in services)
            {
                if (!state.Services.TryGetValue(service, out var apps))
                {
                    apps = new SortedSet<string>(StringComparer.Ordinal);
                    state.Services.Add(service, apps);
                }

                if (apps.Add(app))
                {
                    ofApp.Add(service);
                    state.MappingCount++;
                    var revision = ++_revision;
                    Append(new ChangeEvent(revision, ChangeKind.MappingPut, ns, null, new ServiceAppPair(service, app)), now);
                }
            }

            // Mapped before (or without) any instance: the unmap clock runs from now.
            if (!state.Apps.ContainsKey(app))
            {
                state.IdleSince.TryAdd(app, now);
            }

            return ValueTask.FromResult(_revision);
        }
    }

    private bool TryGetInstance(string ns, string app, string instanceId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out InstanceSlot? slot)
    {
        slot = null;
        return _namespaces.TryGetValue(ns, out var state)
            && state.Apps.TryGetValue(app, out var instances)
            && instances.ById.TryGetValue(instanceId, out slot);
    }

    // Caller holds the lock.
    private long RemoveInstance(string ns, InstanceSlot slot)
    {
        var state = _namespaces[ns];
        var app = slot.App;
        app.Slots.Remove(slot);
        state.InstanceCount--;
        var now = _timeProvider.GetUtcNow();
        if (app.Count == 0)
        {
            state.Apps.Remove(app.Name);
            if (state.AppServices.ContainsKey(app.Name))
            {
                state.IdleSince.TryAdd(app.Name, now);
            }
        }

        if (_leases.Remove(slot))
        {
            ReleasePrincipal(slot.Owner?.Name, ns);
        }

        var revision = ++_revision;
        Append(new ChangeEvent(revision, ChangeKind.Delete, ns, slot.ToRecord(), null), now);
        ReleaseShared(slot);
        RemoveIfEmpty(ns, state);
        return revision;
    }

    public ValueTask<int> UnmapIdleAppsAsync(TimeSpan idleFor, int maxApps, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxApps);
        lock (_lock)
        {
            var now = _timeProvider.GetUtcNow();
            var due = new List<(string Namespace, string App)>();
            foreach (var (ns, state) in _namespaces)
            {
                foreach (var (app, since) in state.IdleSince)
                {
                    if (since <= now - idleFor)
                    {
                        due.Add((ns, app));
                    }
                }
            }

            // Oldest first would need a sort by time; ordinal order keeps answers deterministic and
            // the rest is simply taken by the next sweep.
            due.Sort(static (x, y) =>
            {
                var byNs = string.CompareOrdinal(x.Namespace, y.Namespace);
                return byNs != 0 ? byNs : string.CompareOrdinal(x.App, y.App);
            });
            var unmapped = 0;
            foreach (var (ns, app) in due.Take(maxApps))
            {
                if (!_namespaces.TryGetValue(ns, out var state) || !state.IdleSince.Remove(app))
                {
                    continue;
                }

                if (state.Apps.ContainsKey(app) || !state.AppServices.Remove(app, out var services))
                {
                    continue;
                }

                foreach (var service in services)
                {
                    var apps = state.Services[service];
                    apps.Remove(app);
                    if (apps.Count == 0)
                    {
                        state.Services.Remove(service);
                    }

                    state.MappingCount--;
                    var revision = ++_revision;
                    Append(new ChangeEvent(revision, ChangeKind.MappingDelete, ns, null, new ServiceAppPair(service, app)), now);
                }

                RemoveIfEmpty(ns, state);
                unmapped++;
            }

            return ValueTask.FromResult(unmapped);
        }
    }

    // Caller holds the lock. A namespace counts against MaxNamespaces while it holds state.
    private void AdmitNamespace(string ns)
    {
        if (!_namespaces.ContainsKey(ns) && _namespaces.Count >= _limits.MaxNamespaces)
        {
            throw new RegistryLimitExceededException(nameof(RegistryLimitsOptions.MaxNamespaces), _limits.MaxNamespaces, $"{_namespaces.Count} namespaces hold state, '{ns}' would be a new one");
        }
    }

    // Caller holds the lock.
    private void RemoveIfEmpty(string ns, NamespaceState state)
    {
        if (state.IsEmpty)
        {
            _namespaces.Remove(ns);
        }
    }

    // Caller holds the lock. Appends, trims by count and age, and wakes every waiter.
    private void Append(ChangeEvent change, DateTimeOffset now)
    {
        _history.Add(new HistoryEntry(change, now));
        TrimHistory(now);
        var signal = _changed;
        _changed = NewSignal();
        signal.TrySetResult();
    }

    private void TrimHistory(DateTimeOffset now)
    {
        var oldest = now - _historyOptions.MaxAge;
        while (_history.Count - _historyHead > 0)
        {
            var head = _history[_historyHead];
            if (_history.Count - _historyHead <= _historyOptions.MaxEvents && head.At >= oldest)
            {
                break;
            }

            _compactedRevision = head.Event.Revision;
            _history[_historyHead] = default;
            _historyHead++;
        }

        // Compact the backing list once the dead prefix is large, so trimming stays amortised O(1).
        if (_historyHead > 1024 && _historyHead * 2 > _history.Count)
        {
            _history.RemoveRange(0, _historyHead);
            _historyHead = 0;
        }
    }
}
