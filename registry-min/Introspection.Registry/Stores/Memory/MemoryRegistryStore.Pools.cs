using System.Runtime.InteropServices;

namespace Introspection.Registry.Stores.Memory;

/// <summary>
/// The shared pieces of instance slots: one revision string per build and one label set per distinct content,
/// each counted by the slots holding it and dropped with the last one, so churn through builds and labels
/// does not accumulate.
/// </summary>
internal sealed partial class MemoryRegistryStore
{
    /// <summary>Distinct revision strings held (for tests: the pool must not outlive the instances).</summary>
    internal int SharedRevisionCount
    {
        get
        {
            lock (_lock)
            {
                return _revisions.Count;
            }
        }
    }

    /// <summary>Distinct non-empty label sets held (for tests: the pool must not outlive the instances).</summary>
    internal int SharedLabelSetCount
    {
        get
        {
            lock (_lock)
            {
                return _labelSets.Count;
            }
        }
    }

    // Caller holds the lock.
    private SharedRevision AcquireRevision(string revision)
    {
        ref var shared = ref CollectionsMarshal.GetValueRefOrAddDefault(_revisions, revision, out _);
        shared ??= new SharedRevision(revision);
        shared.References++;
        return shared;
    }

    // Caller holds the lock.
    private void ReleaseRevision(SharedRevision revision)
    {
        if (--revision.References <= 0)
        {
            _revisions.Remove(revision.Value);
        }
    }

    // Caller holds the lock. `candidate` was built outside the lock; an equal set already held wins.
    private LabelSet AcquireLabels(LabelSet candidate)
    {
        if (candidate.Count == 0)
        {
            return LabelSet.Empty;
        }

        ref var shared = ref CollectionsMarshal.GetValueRefOrAddDefault(_labelSets, candidate, out _);
        shared ??= candidate;
        shared.References++;
        return shared;
    }

    // Caller holds the lock.
    private void ReleaseLabels(LabelSet labels)
    {
        if (labels.Count != 0 && --labels.References <= 0)
        {
            _labelSets.Remove(labels);
        }
    }

    // Caller holds the lock. Everything a slot shares goes back with it.
    private void ReleaseShared(InstanceSlot slot)
    {
        ReleaseRevision(slot.Revision);
        ReleaseLabels(slot.Labels);
    }

    // Caller holds the lock.
    private long NewLeaseId()
    {
        // Random ids, not a counter: a restarted registry must never grant an id that a process
        // still renewing against the previous incarnation holds (it would renew someone else's lease).
        // Cryptographically random: a KeepAlive carries only (namespace, lease id), so an id that can be
        // predicted from one's own (a counter, or a non-cryptographic generator) is someone else's lease.
        long id;
        do
        {
            if (_leaseIdBatchNext == LeaseIdBatchSize)
            {
                System.Security.Cryptography.RandomNumberGenerator.Fill(MemoryMarshal.AsBytes(_leaseIdBatch.AsSpan()));
                _leaseIdBatchNext = 0;
            }

            id = _leaseIdBatch[_leaseIdBatchNext] & ((1L << 62) - 1);
            // A handed-out id does not stay in the batch.
            _leaseIdBatch[_leaseIdBatchNext++] = 0;
        }
        while (id == 0 || _leasesById.Contains(id));
        return id;
    }
}
