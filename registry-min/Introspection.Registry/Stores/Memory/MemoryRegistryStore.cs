using Microsoft.Extensions.Options;

namespace Introspection.Registry.Stores.Memory;

/// <summary>
/// The embedded single-node store. One lock guards everything: every operation is a few dictionary
/// lookups, so contention is cheaper than the bookkeeping finer locks would need, and one lock makes
/// "state + revision + history entry" trivially atomic, which the store contract requires.
/// </summary>
internal sealed partial class MemoryRegistryStore : IRegistryStore
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _timeProvider;
    private readonly RegistryHistoryOptions _historyOptions;
    private readonly RegistryLimitsOptions _limits;
    private readonly Dictionary<string, NamespaceState> _namespaces = new(StringComparer.Ordinal);
    private readonly Dictionary<long, LeaseEntry> _leases = [];
    private readonly List<HistoryEntry> _history = [];
    private readonly Dictionary<string, PrincipalState> _principals = new(StringComparer.Ordinal);
    private int _historyHead;
    private long _revision;
    private long _compactedRevision;
    private TaskCompletionSource _changed = NewSignal();

    public MemoryRegistryStore(IOptions<RegistryOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _historyOptions = options.Value.History;
        _limits = options.Value.Limits;

        // A restarted memory store has lost its history. Starting above every revision the previous
        // incarnation can have issued (unless it made over a million changes a second) makes a
        // watcher that resumes from the old incarnation get "history lost" and a reset snapshot,
        // never deltas from a different history.
        _revision = timeProvider.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        _compactedRevision = _revision;
    }

    public string Name => "memory";

    public ValueTask<long> GetRevisionAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_revision);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NamespaceState GetOrAddNamespace(string ns)
    {
        if (!_namespaces.TryGetValue(ns, out var state))
        {
            state = new NamespaceState();
            _namespaces.Add(ns, state);
        }

        return state;
    }

    private sealed class NamespaceState
    {
        public Dictionary<string, Dictionary<string, InstanceEntry>> Apps { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, SortedSet<string>> Services { get; } = new(StringComparer.Ordinal);

        /// <summary>The reverse of <see cref="Services"/>: what an app is mapped to (per-app cap, unmapping).</summary>
        public Dictionary<string, SortedSet<string>> AppServices { get; } = new(StringComparer.Ordinal);

        /// <summary>Apps with mappings but no instance, and since when (the unmap clock).</summary>
        public Dictionary<string, DateTimeOffset> IdleSince { get; } = new(StringComparer.Ordinal);

        public int InstanceCount { get; set; }

        public int MappingCount { get; set; }

        public bool IsEmpty => Apps.Count == 0 && Services.Count == 0;
    }

    private sealed class InstanceEntry(InstanceRecord record, long leaseId)
    {
        public InstanceRecord Record { get; set; } = record;

        public long LeaseId { get; } = leaseId;
    }

    private sealed class LeaseEntry(string ns, string app, string instanceId, TimeSpan ttl, DateTimeOffset expiresAt)
    {
        public string Namespace { get; } = ns;

        public string App { get; } = app;

        public string InstanceId { get; } = instanceId;

        public TimeSpan Ttl { get; } = ttl;

        public DateTimeOffset ExpiresAt { get; set; } = expiresAt;

        /// <summary>The principal that registered the instance; null in an anonymous registry.</summary>
        public string? Owner { get; init; }

        /// <summary>Renewed at least once: only such leases count for self-preservation.</summary>
        public bool Renewed { get; set; }
    }

    /// <summary>What one principal owns: instances in total and per namespace (the per-principal caps).</summary>
    private sealed class PrincipalState
    {
        public int Instances { get; set; }

        public Dictionary<string, int> Namespaces { get; } = new(StringComparer.Ordinal);
    }

    private readonly record struct HistoryEntry(ChangeEvent Event, DateTimeOffset At);
}
