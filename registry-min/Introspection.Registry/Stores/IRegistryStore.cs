namespace Introspection.Registry.Stores;

/// <summary>
/// The registry's authoritative state: instances, their leases, the service → app mapping, the
/// registry revision counter and the change history. Everything node-local (watcher fan-out,
/// per-watcher queues, coalescing, sweeper scheduling, the self-preservation decision, metrics,
/// request validation) sits above this seam and is shared by every store.
/// </summary>
/// <remarks>
/// <para>The full contract, which every implementation must honour, is in <c>Stores/README.md</c>;
/// <c>RegistryStoreContractTests</c> checks it. In short:</para>
/// <list type="bullet">
/// <item>Every stored change takes the next registry revision (one counter per store, shared by
/// all namespaces, strictly increasing, never reused, not even after the store lost its state)
/// and appends exactly one <see cref="ChangeEvent"/> with that revision, atomically with the change.</item>
/// <item>Arguments arrive validated and canonical (namespace never empty). The store does not
/// validate again.</item>
/// <item>When the backing system is unreachable every method throws
/// <see cref="RegistryStoreUnavailableException"/>; nothing is answered from stale state.</item>
/// </list>
/// </remarks>
public interface IRegistryStore
{
    /// <summary>Short name for logs and metrics tags ("memory", "redis").</summary>
    string Name { get; }

    /// <summary>
    /// Adds or replaces (namespace, app, instance id) and grants it a new lease of <paramref name="ttl"/>
    /// (already clamped). A replaced record's old lease is revoked. One PUT event.
    /// </summary>
    ValueTask<RegisterResult> RegisterAsync(string ns, InstanceRecord instance, TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>
    /// Renews one lease to its full TTL. A lease that lapsed but was not evicted yet (sweeper lag,
    /// self-preservation) is renewed too. No event, no revision.
    /// </summary>
    ValueTask<RenewResult> RenewAsync(string ns, long leaseId, CancellationToken cancellationToken);

    /// <summary>
    /// Changes revision and/or labels. <paramref name="revision"/> null leaves it unchanged;
    /// <paramref name="labels"/> null leaves them unchanged. One PUT event when something changed;
    /// when nothing changed, no event and the record's current mod revision is returned.
    /// Returns null when there is no such instance.
    /// </summary>
    ValueTask<long?> UpdateInstanceAsync(string ns, string app, string instanceId, string? revision, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken);

    /// <summary>Removes an instance and revokes its lease. One DELETE event. Null when there is no such instance.</summary>
    ValueTask<long?> DeregisterAsync(string ns, string app, string instanceId, CancellationToken cancellationToken);

    /// <summary>
    /// Adds the (service, app) pairs that do not exist yet: one MAPPING_PUT event per new pair, all
    /// in one atomic change. Returns the revision of the last new pair, or the current revision when
    /// every pair existed already.
    /// </summary>
    ValueTask<long> MapServicesAsync(string ns, string app, IReadOnlyList<string> services, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="RegisterAsync(string, InstanceRecord, TimeSpan, CancellationToken)"/> with lease ownership: the
    /// instance is recorded as owned by <see cref="LeaseOwnership.Principal"/>. When (namespace, app, instance id)
    /// exists and is owned by another principal, and the caller is no admin, throws
    /// <see cref="RegistryOwnershipException"/> and changes nothing. Also checks the per-principal caps
    /// (<see cref="RegistryLimitsOptions.MaxInstancesPerPrincipal"/>, <see cref="RegistryLimitsOptions.MaxNamespacesPerPrincipal"/>).
    /// The default implementation serves anonymous calls only (a store written before ownership existed).
    /// </summary>
    ValueTask<RegisterResult> RegisterAsync(string ns, InstanceRecord instance, TimeSpan ttl, LeaseOwnership ownership, CancellationToken cancellationToken) =>
        ownership.Principal is null ? RegisterAsync(ns, instance, ttl, cancellationToken) : throw OwnershipNotSupported();

    /// <summary>
    /// <see cref="RenewAsync(string, long, CancellationToken)"/> that renews only a lease owned by
    /// <see cref="LeaseOwnership.RequiredOwner"/> (when not null). Another principal's lease answers
    /// <see cref="RenewResult.NotFound"/>, exactly like an unknown one, so a renewal tells a stranger nothing.
    /// The check is part of the renewal itself (no extra round trip).
    /// </summary>
    ValueTask<RenewResult> RenewAsync(string ns, long leaseId, LeaseOwnership ownership, CancellationToken cancellationToken) =>
        ownership.RequiredOwner is null ? RenewAsync(ns, leaseId, cancellationToken) : throw OwnershipNotSupported();

    /// <summary>
    /// Renews the leases of one KeepAlive burst (the requests a stream had already received when the
    /// registry read them): <c>result[i]</c> answers <c>renewals[i]</c>, each exactly as
    /// <see cref="RenewAsync(string, long, LeaseOwnership, CancellationToken)"/> would. Not atomic:
    /// each renewal stands alone. The default renews one by one; a store with round trips (Redis)
    /// overrides it to renew the whole burst in one.
    /// </summary>
    async ValueTask<IReadOnlyList<RenewResult>> RenewBatchAsync(IReadOnlyList<LeaseRenewal> renewals, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(renewals);
        var results = new RenewResult[renewals.Count];
        for (var i = 0; i < results.Length; i++)
        {
            var renewal = renewals[i];
            results[i] = renewal.Ownership.RequiredOwner is null
                ? await RenewAsync(renewal.Namespace, renewal.LeaseId, cancellationToken).ConfigureAwait(false)
                : await RenewAsync(renewal.Namespace, renewal.LeaseId, renewal.Ownership, cancellationToken).ConfigureAwait(false);
        }

        return results;
    }

    /// <summary>
    /// <see cref="UpdateInstanceAsync(string, string, string, string?, IReadOnlyDictionary{string, string}?, CancellationToken)"/>
    /// that throws <see cref="RegistryOwnershipException"/> (nothing changed) when the instance is owned by another
    /// principal than <see cref="LeaseOwnership.RequiredOwner"/> (when not null).
    /// </summary>
    ValueTask<long?> UpdateInstanceAsync(string ns, string app, string instanceId, string? revision, IReadOnlyDictionary<string, string>? labels, LeaseOwnership ownership, CancellationToken cancellationToken) =>
        ownership.RequiredOwner is null ? UpdateInstanceAsync(ns, app, instanceId, revision, labels, cancellationToken) : throw OwnershipNotSupported();

    /// <summary>
    /// <see cref="DeregisterAsync(string, string, string, CancellationToken)"/> that throws
    /// <see cref="RegistryOwnershipException"/> (nothing changed) when the instance is owned by another principal
    /// than <see cref="LeaseOwnership.RequiredOwner"/> (when not null).
    /// </summary>
    ValueTask<long?> DeregisterAsync(string ns, string app, string instanceId, LeaseOwnership ownership, CancellationToken cancellationToken) =>
        ownership.RequiredOwner is null ? DeregisterAsync(ns, app, instanceId, cancellationToken) : throw OwnershipNotSupported();

    private static NotSupportedException OwnershipNotSupported() =>
        new("This registry store does not record lease ownership, so it cannot serve an authenticated registry; implement the IRegistryStore overloads that take a LeaseOwnership.");

    /// <summary>Apps of the namespace with at least one instance, ordinal order, with the revision the answer reflects.</summary>
    ValueTask<AppsResult> ListAppsAsync(string ns, CancellationToken cancellationToken);

    /// <summary>The instances of one app, ordinal by instance id (empty for an unknown app).</summary>
    ValueTask<InstancesResult> ListInstancesAsync(string ns, string app, CancellationToken cancellationToken);

    /// <summary>The apps mapped to one service, ordinal order (empty when none).</summary>
    ValueTask<LookupResult> LookupServiceAsync(string ns, string service, CancellationToken cancellationToken);

    /// <summary>
    /// A consistent view as of one revision: the instances of <paramref name="apps"/> (null: every
    /// app of the namespace) and, when asked, every mapping of the namespace.
    /// </summary>
    ValueTask<StoreSnapshot> GetSnapshotAsync(string ns, IReadOnlySet<string>? apps, bool includeMappings, CancellationToken cancellationToken);

    /// <summary>The current registry revision (the revision of the last stored change).</summary>
    ValueTask<long> GetRevisionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="maxEvents"/> events with revision &gt; <paramref name="afterRevision"/>,
    /// ascending, of every namespace. <see cref="ChangeBatch.HistoryLost"/> is true (and no events)
    /// when some event after <paramref name="afterRevision"/> was already trimmed, or when
    /// <paramref name="afterRevision"/> is newer than the current revision.
    /// </summary>
    ValueTask<ChangeBatch> ReadChangesAsync(long afterRevision, int maxEvents, CancellationToken cancellationToken);

    /// <summary>
    /// The "changes available" signal: completes as soon as the current revision is greater than
    /// <paramref name="afterRevision"/> (at once if it already is). Spurious completions are allowed;
    /// callers re-read with <see cref="ReadChangesAsync"/>.
    /// </summary>
    ValueTask WaitForChangesAsync(long afterRevision, CancellationToken cancellationToken);

    /// <summary>
    /// Counts the leases and lists up to <paramref name="maxLapsed"/> leases whose expiry is at or
    /// before the store's clock, oldest expiry first. Evicts nothing: the caller (the sweeper, after
    /// its self-preservation decision) evicts with <see cref="EvictAsync"/>.
    /// </summary>
    ValueTask<LeaseScan> ScanLeasesAsync(int maxLapsed, CancellationToken cancellationToken);

    /// <summary>
    /// Evicts one lapsed lease and its instance, atomically, only if it is still there, still bound to
    /// the same instance and still lapsed (not renewed since the scan). One DELETE event. Returns the
    /// DELETE revision, or null when nothing was evicted. When several sweepers (nodes) race on one
    /// lease, exactly one gets a revision.
    /// </summary>
    ValueTask<long?> EvictAsync(LapsedLease lease, CancellationToken cancellationToken);

    /// <summary>
    /// Removes every mapping of apps that have had no instance for at least <paramref name="idleFor"/>
    /// (the clock starts when an app's last instance goes, or when an app without instances is
    /// mapped; an instance registering stops it): one MAPPING_DELETE event per removed (service, app)
    /// pair, each app atomically. At most <paramref name="maxApps"/> apps per call; returns how many
    /// were unmapped. When several sweepers (nodes) race, each pair is removed and announced once.
    /// </summary>
    ValueTask<int> UnmapIdleAppsAsync(TimeSpan idleFor, int maxApps, CancellationToken cancellationToken);
}
