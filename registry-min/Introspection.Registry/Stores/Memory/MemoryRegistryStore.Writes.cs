namespace Introspection.Registry.Stores.Memory;

internal sealed partial class MemoryRegistryStore
{
    public ValueTask<RegisterResult> RegisterAsync(string ns, InstanceRecord instance, TimeSpan ttl, CancellationToken cancellationToken) =>
        RegisterAsync(ns, instance, ttl, LeaseOwnership.Anonymous, cancellationToken);

    public ValueTask<RegisterResult> RegisterAsync(string ns, InstanceRecord instance, TimeSpan ttl, LeaseOwnership ownership, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var labels = CopyLabels(instance.Labels);
        var owner = ownership.Principal;
        lock (_lock)
        {
            // Ownership and caps first, before anything changes: a refused call leaves no trace (not even an empty namespace).
            var isNew = !TryGetInstance(ns, instance.App, instance.InstanceId, out var existingEntry);
            var previousOwner = isNew ? null : _leases.GetValueOrDefault(existingEntry!.LeaseId)?.Owner;
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
            if (!state.Apps.TryGetValue(instance.App, out var instances))
            {
                instances = new Dictionary<string, InstanceEntry>(StringComparer.Ordinal);
                state.Apps.Add(instance.App, instances);
            }

            state.IdleSince.Remove(instance.App);
            if (instances.Remove(instance.InstanceId, out var previous))
            {
                // Replacing revokes the old lease: a renewal with it answers NOT_FOUND from now on.
                _leases.Remove(previous.LeaseId);
                ReleasePrincipal(previousOwner, ns);
            }
            else
            {
                state.InstanceCount++;
            }

            var leaseId = NewLeaseId();
            var now = _timeProvider.GetUtcNow();
            _leases.Add(leaseId, new LeaseEntry(ns, instance.App, instance.InstanceId, ttl, now + ttl) { Owner = owner });
            AddPrincipal(owner, ns);

            var revision = ++_revision;
            var record = instance with { Labels = labels, ModRevision = revision };
            instances.Add(instance.InstanceId, new InstanceEntry(record, leaseId));
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
        var newLabels = labels is null ? null : CopyLabels(labels);
        lock (_lock)
        {
            if (!TryGetInstance(ns, app, instanceId, out var entry))
            {
                return ValueTask.FromResult<long?>(null);
            }

            CheckOwner(ns, entry, ownership);

            var current = entry.Record;
            var changedRevision = revision is not null && !string.Equals(revision, current.Revision, StringComparison.Ordinal);
            var changedLabels = newLabels is not null && !LabelsEqual(newLabels, current.Labels);
            if (!changedRevision && !changedLabels)
            {
                return ValueTask.FromResult<long?>(current.ModRevision);
            }

            var registryRevision = ++_revision;
            var record = current with
            {
                Revision = changedRevision ? revision! : current.Revision,
                Labels = changedLabels ? newLabels! : current.Labels,
                ModRevision = registryRevision,
            };
            entry.Record = record;
            Append(new ChangeEvent(registryRevision, ChangeKind.Put, ns, record, null), _timeProvider.GetUtcNow());
            return ValueTask.FromResult<long?>(registryRevision);
        }
    }

    public ValueTask<long?> DeregisterAsync(string ns, string app, string instanceId, CancellationToken cancellationToken) =>
        DeregisterAsync(ns, app, instanceId, LeaseOwnership.Anonymous, cancellationToken);

    public ValueTask<long?> DeregisterAsync(string ns, string app, string instanceId, LeaseOwnership ownership, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!TryGetInstance(ns, app, instanceId, out var entry))
            {
                return ValueTask.FromResult<long?>(null);
            }

            CheckOwner(ns, entry, ownership);

            return ValueTask.FromResult<long?>(RemoveInstance(ns, entry));
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

    private bool TryGetInstance(string ns, string app, string instanceId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out InstanceEntry? entry)
    {
        entry = null;
        return _namespaces.TryGetValue(ns, out var state)
            && state.Apps.TryGetValue(app, out var instances)
            && instances.TryGetValue(instanceId, out entry);
    }

    // Caller holds the lock.
    private long RemoveInstance(string ns, InstanceEntry entry)
    {
        var state = _namespaces[ns];
        var instances = state.Apps[entry.Record.App];
        instances.Remove(entry.Record.InstanceId);
        state.InstanceCount--;
        var now = _timeProvider.GetUtcNow();
        if (instances.Count == 0)
        {
            state.Apps.Remove(entry.Record.App);
            if (state.AppServices.ContainsKey(entry.Record.App))
            {
                state.IdleSince.TryAdd(entry.Record.App, now);
            }
        }

        if (_leases.Remove(entry.LeaseId, out var lease))
        {
            ReleasePrincipal(lease.Owner, ns);
        }

        var revision = ++_revision;
        Append(new ChangeEvent(revision, ChangeKind.Delete, ns, entry.Record, null), now);
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

    private long NewLeaseId()
    {
        // Random ids, not a counter: a restarted registry must never grant an id that a process
        // still renewing against the previous incarnation holds (it would renew someone else's lease).
        // Cryptographically random: a KeepAlive carries only (namespace, lease id), so an id that can be
        // predicted from one's own (a counter, or a non-cryptographic generator) is someone else's lease.
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        long id;
        do
        {
            System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
            id = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(bytes) & ((1L << 62) - 1);
        }
        while (id == 0 || _leases.ContainsKey(id));
        return id;
    }

    private static IReadOnlyDictionary<string, string> CopyLabels(IReadOnlyDictionary<string, string> labels)
    {
        var copy = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in labels)
        {
            copy[key] = value;
        }

        return copy.AsReadOnly();
    }

    private static bool LabelsEqual(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        foreach (var (key, value) in a)
        {
            if (!b.TryGetValue(key, out var other) || !string.Equals(value, other, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
