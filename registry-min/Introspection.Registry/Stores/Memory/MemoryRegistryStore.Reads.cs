namespace Introspection.Registry.Stores.Memory;

internal sealed partial class MemoryRegistryStore
{
    public ValueTask<AppsResult> ListAppsAsync(string ns, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var apps = new List<KeyValuePair<string, int>>();
            if (_namespaces.TryGetValue(ns, out var state))
            {
                foreach (var (app, instances) in state.Apps)
                {
                    apps.Add(new KeyValuePair<string, int>(app, instances.Count));
                }
            }

            apps.Sort(static (x, y) => string.CompareOrdinal(x.Key, y.Key));
            return ValueTask.FromResult(new AppsResult(apps, _revision));
        }
    }

    public ValueTask<InstancesResult> ListInstancesAsync(string ns, string app, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var list = new List<InstanceRecord>();
            if (_namespaces.TryGetValue(ns, out var state) && state.Apps.TryGetValue(app, out var instances))
            {
                foreach (var slot in instances.Slots)
                {
                    list.Add(slot.ToRecord());
                }
            }

            list.Sort(static (x, y) => string.CompareOrdinal(x.InstanceId, y.InstanceId));
            return ValueTask.FromResult(new InstancesResult(list, _revision));
        }
    }

    public ValueTask<LookupResult> LookupServiceAsync(string ns, string service, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<string> apps = _namespaces.TryGetValue(ns, out var state) && state.Services.TryGetValue(service, out var set)
                ? [.. set]
                : [];
            return ValueTask.FromResult(new LookupResult(apps, _revision));
        }
    }

    public ValueTask<StoreSnapshot> GetSnapshotAsync(string ns, IReadOnlySet<string>? apps, bool includeMappings, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var instances = new List<InstanceRecord>();
            var mappings = new List<ServiceAppPair>();
            if (_namespaces.TryGetValue(ns, out var state))
            {
                if (apps is null)
                {
                    foreach (var app in state.Apps.Values)
                    {
                        AddRecords(instances, app);
                    }
                }
                else
                {
                    foreach (var name in apps)
                    {
                        if (state.Apps.TryGetValue(name, out var app))
                        {
                            AddRecords(instances, app);
                        }
                    }
                }

                if (includeMappings)
                {
                    foreach (var (service, serviceApps) in state.Services)
                    {
                        foreach (var app in serviceApps)
                        {
                            mappings.Add(new ServiceAppPair(service, app));
                        }
                    }
                }
            }

            instances.Sort(static (x, y) =>
            {
                var byApp = string.CompareOrdinal(x.App, y.App);
                return byApp != 0 ? byApp : string.CompareOrdinal(x.InstanceId, y.InstanceId);
            });
            mappings.Sort(static (x, y) =>
            {
                var byService = string.CompareOrdinal(x.Service, y.Service);
                return byService != 0 ? byService : string.CompareOrdinal(x.App, y.App);
            });
            return ValueTask.FromResult(new StoreSnapshot(instances, mappings, _revision));
        }

        static void AddRecords(List<InstanceRecord> target, AppInstances app)
        {
            foreach (var slot in app.Slots)
            {
                target.Add(slot.ToRecord());
            }
        }
    }

    public ValueTask<ChangeBatch> ReadChangesAsync(long afterRevision, int maxEvents, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEvents);
        lock (_lock)
        {
            TrimHistory(_timeProvider.GetUtcNow());
            if (afterRevision < _compactedRevision || afterRevision > _revision)
            {
                return ValueTask.FromResult(new ChangeBatch([], HistoryLost: true, _revision));
            }

            // Revisions are contiguous in this store: the event after `afterRevision` sits at a
            // computable index, no search needed.
            var start = _historyHead + (int)(afterRevision - _compactedRevision);
            var count = Math.Min(maxEvents, _history.Count - start);
            var events = new ChangeEvent[Math.Max(count, 0)];
            for (var i = 0; i < events.Length; i++)
            {
                events[i] = _history[start + i].Event;
            }

            return ValueTask.FromResult(new ChangeBatch(events, HistoryLost: false, _revision));
        }
    }

    public async ValueTask WaitForChangesAsync(long afterRevision, CancellationToken cancellationToken)
    {
        Task signal;
        lock (_lock)
        {
            if (_revision > afterRevision)
            {
                return;
            }

            signal = _changed.Task;
        }

        await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
