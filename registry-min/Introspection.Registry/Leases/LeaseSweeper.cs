using System.Runtime.CompilerServices;
using Introspection.Registry.Internal;
using Introspection.Registry.Stores;
using Microsoft.Extensions.Options;

namespace Introspection.Registry.Leases;

/// <summary>
/// Evicts lapsed leases every <see cref="RegistryLeaseOptions.SweepInterval"/>, unless
/// self-preservation pauses eviction. Safe to run on every node of a shared store: the store's
/// compare-and-delete makes each lease's eviction happen once. With
/// <see cref="RegistryProbeOptions.Enabled"/>, a lapsed lease is first probed on the instance's
/// grpc.health.v1 endpoint and renewed instead when the instance still serves.
/// </summary>
internal sealed partial class LeaseSweeper : BackgroundService
{
    /// <summary>Apps unmapped per sweep: each costs one store call per few apps, so a burst of idle apps spreads over sweeps.</summary>
    internal const int MaxUnmapsPerSweep = 64;

    private readonly IRegistryStore _store;
    private readonly SelfPreservationGuard _guard;
    private readonly RegistryMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly RegistryLeaseOptions _options;
    private readonly RegistryProbeOptions _probe;
    private readonly InstanceProber? _prober;
    private readonly LeaseExtensions _extensions;
    private readonly ILogger<LeaseSweeper> _logger;
    private readonly TimeSpan _unmapAfter;
    private int _storeFailures;

    public LeaseSweeper(IRegistryStore store, SelfPreservationGuard guard, RegistryMetrics metrics, IOptions<RegistryOptions> options, TimeProvider timeProvider, ILogger<LeaseSweeper> logger)
        : this(store, guard, metrics, options, timeProvider, logger, prober: null, extensions: null)
    {
    }

    public LeaseSweeper(IRegistryStore store, SelfPreservationGuard guard, RegistryMetrics metrics, IOptions<RegistryOptions> options, TimeProvider timeProvider, ILogger<LeaseSweeper> logger, InstanceProber? prober, LeaseExtensions? extensions)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _guard = guard;
        _metrics = metrics;
        _options = options.Value.Leases;
        _unmapAfter = options.Value.Limits.UnmapAfter;
        _probe = _options.Probe;
        _prober = _probe.Enabled ? prober : null;
        _extensions = extensions ?? new LeaseExtensions();
        _timeProvider = timeProvider;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.SweepInterval, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await SweepAsync(stoppingToken).ConfigureAwait(false);
                    await UnmapIdleAppsAsync(stoppingToken).ConfigureAwait(false);
                    if (_storeFailures > 0)
                    {
                        Log.StoreRecovered(_logger, _storeFailures);
                        _storeFailures = 0;
                    }
                }
                catch (RegistryStoreUnavailableException ex)
                {
                    // Skipping is the safe choice: nothing is evicted while the store can't be seen.
                    // The stack trace once per outage: every sweep repeating it would drown the log.
                    if (_storeFailures++ == 0)
                    {
                        Log.StoreUnavailable(_logger, ex);
                    }
                    else
                    {
                        Log.StoreStillUnavailable(_logger, _storeFailures, ex.Message);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Log.SweepFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One sweep. Answers how many leases it evicted.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var scan = await _store.ScanLeasesAsync(_options.MaxEvictionsPerSweep, cancellationToken).ConfigureAwait(false);
        _metrics.LeasesCounted(scan.TotalLeases, scan.TotalLapsed);
        var now = _timeProvider.GetUtcNow();
        if (_prober is not null)
        {
            // Entries of leases that went away without an eviction by this node (deregistered,
            // evicted elsewhere) stop mattering once no lease could still be in its chain.
            _extensions.Prune(now - (2 * _options.MaxTtl) - _probe.Timeout);
        }

        // Self-preservation first: when it pauses eviction there is nothing to probe for. It weighs
        // established leases only (renewed at least once): a flood of registrations that never
        // renew is one client's failed start, and must not pause eviction for everybody.
        if (!_guard.MayEvict(now, scan.EstablishedLeases, scan.EstablishedLapsed) || scan.Lapsed.Count == 0)
        {
            return 0;
        }

        var evictedEstablished = new StrongBox<int>();
        var evicted = _prober is null
            ? await EvictAllAsync(scan.Lapsed, evictedEstablished, cancellationToken).ConfigureAwait(false)
            : await ProbeThenEvictAsync(_prober, scan.Lapsed, evictedEstablished, cancellationToken).ConfigureAwait(false);

        _guard.Evicted(now, evictedEstablished.Value);
        _metrics.Expired(evicted);
        return evicted;
    }

    /// <summary>
    /// Removes the mappings of apps without instances for <see cref="RegistryLimitsOptions.UnmapAfter"/>,
    /// so service → app mappings do not only grow. Bounded per sweep; the rest waits for the next one.
    /// Answers how many apps it unmapped. Independent of self-preservation: an app whose instances
    /// are kept by a pause still has instances, so it is not idle.
    /// </summary>
    public async Task<int> UnmapIdleAppsAsync(CancellationToken cancellationToken)
    {
        var unmapped = await _store.UnmapIdleAppsAsync(_unmapAfter, MaxUnmapsPerSweep, cancellationToken).ConfigureAwait(false);
        if (unmapped > 0)
        {
            Log.Unmapped(_logger, unmapped, _unmapAfter);
            _metrics.AppsUnmapped(unmapped);
        }

        return unmapped;
    }

    private async Task<int> EvictAllAsync(IReadOnlyList<LapsedLease> lapsed, StrongBox<int> established, CancellationToken cancellationToken)
    {
        var evicted = 0;
        foreach (var lease in lapsed)
        {
            if (await EvictAsync(lease, established, cancellationToken).ConfigureAwait(false))
            {
                evicted++;
            }
        }

        return evicted;
    }

    private async Task<bool> EvictAsync(LapsedLease lease, StrongBox<int> established, CancellationToken cancellationToken)
    {
        var revision = await _store.EvictAsync(lease, cancellationToken).ConfigureAwait(false);
        _extensions.Reset(lease.LeaseId);
        if (revision is { } r)
        {
            if (lease.Established)
            {
                Interlocked.Increment(ref established.Value);
            }

            Log.Evicted(_logger, lease.Namespace, lease.App, lease.InstanceId, lease.LeaseId, r);
            return true;
        }

        return false;
    }

    /// <summary>
    /// Probes the lapsed leases, at most <see cref="RegistryProbeOptions.Concurrency"/> at once, and
    /// starts no new probe once <see cref="RegistryProbeOptions.Timeout"/> has been spent: the sweep
    /// takes at most about twice the timeout, whatever the number of silent instances. Leases not
    /// reached stay lapsed for the next sweep (oldest expiry first, so they come first).
    /// </summary>
    private async Task<int> ProbeThenEvictAsync(InstanceProber prober, IReadOnlyList<LapsedLease> lapsed, StrongBox<int> established, CancellationToken cancellationToken)
    {
        var addresses = await AddressesAsync(lapsed, cancellationToken).ConfigureAwait(false);
        var started = _timeProvider.GetTimestamp();
        var evicted = new StrongBox<int>();
        var skipped = 0;
        var running = new List<Task>();
        using var gate = new SemaphoreSlim(_probe.Concurrency, _probe.Concurrency);
        for (var i = 0; i < lapsed.Count; i++)
        {
            var lease = lapsed[i];
            var extensions = _extensions.Get(lease.LeaseId);
            if (extensions >= _probe.MaxConsecutiveExtensions || !addresses.TryGetValue((lease.Namespace, lease.App, lease.InstanceId), out var address))
            {
                if (extensions >= _probe.MaxConsecutiveExtensions)
                {
                    Log.ExtensionLimitReached(_logger, lease.Namespace, lease.App, lease.InstanceId, lease.LeaseId, extensions);
                }

                // Renewals by the instance itself are the only way out of this; an instance the
                // store no longer lists has nothing to probe either.
                if (await EvictAsync(lease, established, cancellationToken).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref evicted.Value);
                }

                continue;
            }

            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (_timeProvider.GetElapsedTime(started) >= _probe.Timeout)
            {
                gate.Release();
                skipped = lapsed.Count - i;
                break;
            }

            running.Add(ProbeOneAsync(prober, lease, address, gate, evicted, established, cancellationToken));
        }

        await Task.WhenAll(running).ConfigureAwait(false);
        if (skipped > 0)
        {
            Log.ProbeBudgetSpent(_logger, running.Count, skipped, _probe.Timeout.TotalMilliseconds);
        }

        return evicted.Value;
    }

    private async Task ProbeOneAsync(InstanceProber prober, LapsedLease lease, (string Host, int Port, bool UseTls) address, SemaphoreSlim gate, StrongBox<int> evicted, StrongBox<int> established, CancellationToken cancellationToken)
    {
        // Off the sweep loop's own continuation so probes really run side by side.
        await Task.Yield();
        try
        {
            // Dialled with the scheme the instance registered (its "scheme" label); the h2c overload stays the
            // seam tests override.
            var outcome = address.UseTls
                ? await prober.ProbeAsync(address.Host, address.Port, useTls: true, cancellationToken).ConfigureAwait(false)
                : await prober.ProbeAsync(address.Host, address.Port, cancellationToken).ConfigureAwait(false);
            _metrics.Probed(outcome);
            if (outcome == ProbeOutcome.Serving)
            {
                var renewed = await _store.RenewAsync(lease.Namespace, lease.LeaseId, cancellationToken).ConfigureAwait(false);
                if (renewed.Found)
                {
                    var count = _extensions.Extended(lease.LeaseId, _timeProvider.GetUtcNow());
                    _metrics.ProbeExtended();
                    Log.Extended(_logger, lease.Namespace, lease.App, lease.InstanceId, address.Host, address.Port, lease.LeaseId, count, _probe.MaxConsecutiveExtensions);
                }

                return;
            }

            Log.ProbeFailed(_logger, lease.Namespace, lease.App, lease.InstanceId, address.Host, address.Port, outcome);
            if (await EvictAsync(lease, established, cancellationToken).ConfigureAwait(false))
            {
                Interlocked.Increment(ref evicted.Value);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Host and port of each lapsed instance: one store read per (namespace, app), not per lease.</summary>
    private async Task<Dictionary<(string Namespace, string App, string InstanceId), (string Host, int Port, bool UseTls)>> AddressesAsync(IReadOnlyList<LapsedLease> lapsed, CancellationToken cancellationToken)
    {
        var addresses = new Dictionary<(string, string, string), (string, int, bool)>();
        foreach (var (ns, app) in lapsed.Select(static l => (l.Namespace, l.App)).Distinct())
        {
            var instances = await _store.ListInstancesAsync(ns, app, cancellationToken).ConfigureAwait(false);
            foreach (var instance in instances.Instances)
            {
                var useTls = instance.Labels.TryGetValue(Introspection.Protocol.WireContract.SchemeLabel, out var scheme)
                    && string.Equals(scheme, Introspection.Protocol.WireContract.SchemeHttps, StringComparison.OrdinalIgnoreCase);
                addresses[(ns, app, instance.InstanceId)] = (instance.Host, instance.Port, useTls);
            }
        }

        return addresses;
    }
}
