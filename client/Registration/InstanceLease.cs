using Introspection.Client.Internal;

namespace Introspection.Client;

/// <summary>
/// One endpoint added by <see cref="IntrospectionRegistrar.AddEndpoint"/>, kept registered under a lease with
/// every configured registry: one KeepAlive stream per registry renews it every third of the granted TTL,
/// re-registers it when the registry no longer knows the lease (NOT_FOUND, as after a registry restart), fails
/// over between the nodes of a registry and reconnects with backoff. <see cref="UpdateAsync"/> changes what is
/// registered, <see cref="DeleteAsync"/> deregisters it; disposing only stops the renewals, so the entry
/// disappears when its lease lapses (as it would if the process died).
/// </summary>
public sealed class InstanceLease : IAsyncDisposable
{
    private readonly RegistryLeaseKeeper[] _keepers;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task[] _loops;
    private readonly Action<InstanceLease> _onDisposed;
    private InstanceRegistration _instance;
    private int _stopped;
    private int _disposed;

    internal InstanceLease(InstanceRegistration instance, Func<Func<InstanceRegistration>, IReadOnlyList<RegistryLeaseKeeper>> createKeepers, int unhealthyAfterFailures, Action<InstanceLease> onDisposed)
    {
        _instance = instance;
        _onDisposed = onDisposed;
        _keepers = [.. createKeepers(() => Volatile.Read(ref _instance))];
        Registries = _keepers.Select(k => new RegistryLeaseStatus(k, unhealthyAfterFailures)).ToArray();
        Registered = Task.WhenAny(_keepers.Select(k => k.FirstRegistered)).Unwrap();

        // The loops live as long as the lease, not as the caller's request: without this they would keep the
        // first caller's ExecutionContext (its Activity, its AsyncLocals) alive for the life of the process.
        using (ExecutionContext.SuppressFlow())
        {
            var token = _stopping.Token;
            _loops = _keepers.Select(k => Task.Run(() => k.RunAsync(token), CancellationToken.None)).ToArray();
        }
    }

    /// <summary>What is registered now (the last value given to <see cref="UpdateAsync"/>).</summary>
    public InstanceRegistration Instance => Volatile.Read(ref _instance);

    /// <summary>One live status per registry, in the order of <see cref="IntrospectionRegistrarOptions.Registries"/>.</summary>
    public IReadOnlyList<RegistryLeaseStatus> Registries { get; }

    /// <summary>
    /// Completes when the endpoint is first registered with any registry, after that registry was also asked to
    /// map its services (a failed mapping is retried in the background and does not delay this). Never faults;
    /// add your own timeout.
    /// </summary>
    public Task Registered { get; }

    /// <summary>True while at least one registry holds a lease for the endpoint.</summary>
    public bool IsRegistered => _keepers.Any(k => k.IsRegistered);

    /// <summary>
    /// Replaces the revision, labels and service mapping and pushes them to every registry. A registry that
    /// cannot be reached now gets them after its next successful renewal (logged, not thrown). Namespace, app,
    /// instance id, host and port identify the registration and cannot change: delete and add again instead.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="instance"/> names another endpoint, or breaks the wire contract.</exception>
    public async Task UpdateAsync(InstanceRegistration instance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var current = Instance;
        if (!string.Equals(current.Namespace, instance.Namespace, StringComparison.Ordinal) ||
            !string.Equals(current.App, instance.App, StringComparison.Ordinal) ||
            !string.Equals(current.InstanceId, instance.InstanceId, StringComparison.Ordinal) ||
            !string.Equals(current.Host, instance.Host, StringComparison.Ordinal) ||
            current.Port != instance.Port)
        {
            throw new ArgumentException("Only Revision, Labels and Services of a registration can change.", nameof(instance));
        }

        instance.Validate(nameof(instance));

        Volatile.Write(ref _instance, instance);
        if (Volatile.Read(ref _stopped) != 0)
        {
            return;
        }

        await Task.WhenAll(_keepers.Select(k => k.PushAsync(cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>
    /// Deregisters the endpoint: stops the renewals first (a renewal answered NOT_FOUND right after the
    /// deregistration would register it again), then deregisters from every registry in parallel. Returns how
    /// many registries removed it; one that cannot be reached drops it when the lease lapses.
    /// </summary>
    public async Task<int> DeleteAsync(CancellationToken cancellationToken = default)
    {
        await StopRenewalsAsync(cancellationToken).ConfigureAwait(false);
        var removed = await Task.WhenAll(_keepers.Select(k => k.DeregisterAsync(cancellationToken))).ConfigureAwait(false);
        return removed.Count(r => r);
    }

    /// <summary>Stops the renewals without deregistering; the entries lapse with their leases.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await StopRenewalsAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            foreach (var keeper in _keepers)
            {
                keeper.Dispose();
            }

            _stopping.Dispose();
            _onDisposed(this);
        }
    }

    private async Task StopRenewalsAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        // The loops end on cancellation; waiting for them means no renewal is in flight afterwards.
        await Task.WhenAll(_loops).WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
