using Microsoft.Extensions.Options;

namespace Introspection.Registry.Stores.Memory;

/// <summary>
/// The embedded single-node store. One lock guards everything: every operation is a few dictionary
/// lookups, so contention is cheaper than the bookkeeping finer locks would need, and one lock makes
/// "state + revision + history entry" trivially atomic, which the store contract requires.
/// </summary>
internal sealed partial class MemoryRegistryStore : IRegistryStore
{
    // Lease ids are drawn from the system's CSPRNG a batch at a time: one call per 256 registrations.
    private const int LeaseIdBatchSize = 256;

    private readonly Lock _lock = new();
    private readonly TimeProvider _timeProvider;
    private readonly RegistryHistoryOptions _historyOptions;
    private readonly RegistryLimitsOptions _limits;
    private readonly Dictionary<string, NamespaceState> _namespaces = new(StringComparer.Ordinal);
    private readonly HashSet<InstanceSlot> _leases = new(LeaseIdComparer.Instance);
    private readonly HashSet<InstanceSlot>.AlternateLookup<long> _leasesById;
    private readonly Dictionary<string, SharedRevision> _revisions = new(StringComparer.Ordinal);
    private readonly Dictionary<LabelSet, LabelSet> _labelSets = new(LabelSetContentComparer.Instance);
    private readonly long[] _leaseIdBatch = new long[LeaseIdBatchSize];
    private int _leaseIdBatchNext = LeaseIdBatchSize;
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
        _leasesById = _leases.GetAlternateLookup<long>();

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
        public Dictionary<string, AppInstances> Apps { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, SortedSet<string>> Services { get; } = new(StringComparer.Ordinal);

        /// <summary>The reverse of <see cref="Services"/>: what an app is mapped to (per-app cap, unmapping).</summary>
        public Dictionary<string, SortedSet<string>> AppServices { get; } = new(StringComparer.Ordinal);

        /// <summary>Apps with mappings but no instance, and since when (the unmap clock).</summary>
        public Dictionary<string, DateTimeOffset> IdleSince { get; } = new(StringComparer.Ordinal);

        public int InstanceCount { get; set; }

        public int MappingCount { get; set; }

        public bool IsEmpty => Apps.Count == 0 && Services.Count == 0;
    }

    private readonly record struct HistoryEntry(ChangeEvent Event, DateTimeOffset At);
}
