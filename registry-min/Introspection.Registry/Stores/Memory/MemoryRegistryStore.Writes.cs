namespace Introspection.Registry.Stores.Memory;

internal sealed partial class MemoryRegistryStore
{
    public ValueTask<RegisterResult> RegisterAsync(string ns, InstanceRecord instance, TimeSpan ttl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var labels = CopyLabels(instance.Labels);
        lock (_lock)
        {
            var state = GetOrAddNamespace(ns);
            if (!state.Apps.TryGetValue(instance.App, out var instances))
            {
                instances = new Dictionary<string, InstanceEntry>(StringComparer.Ordinal);
                state.Apps.Add(instance.App, instances);
            }

            if (instances.Remove(instance.InstanceId, out var previous))
            {
                // Replacing revokes the old lease: a renewal with it answers NOT_FOUND from now on.
                _leases.Remove(previous.LeaseId);
            }

            var leaseId = NewLeaseId();
            var now = _timeProvider.GetUtcNow();
            _leases.Add(leaseId, new LeaseEntry(ns, instance.App, instance.InstanceId, ttl, now + ttl));

            var revision = ++_revision;
            var record = instance with { Labels = labels, ModRevision = revision };
            instances.Add(instance.InstanceId, new InstanceEntry(record, leaseId));
            Append(new ChangeEvent(revision, ChangeKind.Put, ns, record, null), now);
            return ValueTask.FromResult(new RegisterResult(leaseId, ttl, revision));
        }
    }

    public ValueTask<RenewResult> RenewAsync(string ns, long leaseId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_leases.TryGetValue(leaseId, out var lease) || !string.Equals(lease.Namespace, ns, StringComparison.Ordinal))
            {
                return ValueTask.FromResult(RenewResult.NotFound);
            }

            lease.ExpiresAt = _timeProvider.GetUtcNow() + lease.Ttl;
            return ValueTask.FromResult(new RenewResult(true, lease.Ttl));
        }
    }

    public ValueTask<long?> UpdateInstanceAsync(string ns, string app, string instanceId, string? revision, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken)
    {
        var newLabels = labels is null ? null : CopyLabels(labels);
        lock (_lock)
        {
            if (!TryGetInstance(ns, app, instanceId, out var entry))
            {
                return ValueTask.FromResult<long?>(null);
            }

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

    public ValueTask<long?> DeregisterAsync(string ns, string app, string instanceId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!TryGetInstance(ns, app, instanceId, out var entry))
            {
                return ValueTask.FromResult<long?>(null);
            }

            return ValueTask.FromResult<long?>(RemoveInstance(ns, entry));
        }
    }

    public ValueTask<long> MapServicesAsync(string ns, string app, IReadOnlyList<string> services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        lock (_lock)
        {
            var state = GetOrAddNamespace(ns);
            var now = _timeProvider.GetUtcNow();
            foreach (var service in services)
            {
                if (!state.Services.TryGetValue(service, out var apps))
                {
                    apps = new SortedSet<string>(StringComparer.Ordinal);
                    state.Services.Add(service, apps);
                }

                if (apps.Add(app))
                {
                    var revision = ++_revision;
                    Append(new ChangeEvent(revision, ChangeKind.MappingPut, ns, null, new ServiceAppPair(service, app)), now);
                }
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
        if (instances.Count == 0)
        {
            state.Apps.Remove(entry.Record.App);
        }

        _leases.Remove(entry.LeaseId);
        var revision = ++_revision;
        Append(new ChangeEvent(revision, ChangeKind.Delete, ns, entry.Record, null), _timeProvider.GetUtcNow());
        return revision;
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
