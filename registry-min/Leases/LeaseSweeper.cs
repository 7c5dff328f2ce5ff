using Introspection.Registry.Internal;
using Introspection.Registry.Stores;
using Microsoft.Extensions.Options;

namespace Introspection.Registry.Leases;

/// <summary>
/// Evicts lapsed leases every <see cref="RegistryLeaseOptions.SweepInterval"/>, unless
/// self-preservation pauses eviction. Safe to run on every node of a shared store: the store's
/// compare-and-delete makes each lease's eviction happen once.
/// </summary>
internal sealed partial class LeaseSweeper : BackgroundService
{
    private readonly IRegistryStore _store;
    private readonly SelfPreservationGuard _guard;
    private readonly RegistryMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly RegistryLeaseOptions _options;
    private readonly ILogger<LeaseSweeper> _logger;

    public LeaseSweeper(IRegistryStore store, SelfPreservationGuard guard, RegistryMetrics metrics, IOptions<RegistryOptions> options, TimeProvider timeProvider, ILogger<LeaseSweeper> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _guard = guard;
        _metrics = metrics;
        _options = options.Value.Leases;
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
                }
                catch (RegistryStoreUnavailableException ex)
                {
                    // Skipping is the safe choice: nothing is evicted while the store can't be seen.
                    Log.StoreUnavailable(_logger, ex);
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
        if (!_guard.MayEvict(now, scan.TotalLeases, scan.TotalLapsed) || scan.Lapsed.Count == 0)
        {
            return 0;
        }

        var evicted = 0;
        foreach (var lease in scan.Lapsed)
        {
            var revision = await _store.EvictAsync(lease, cancellationToken).ConfigureAwait(false);
            if (revision is { } r)
            {
                evicted++;
                Log.Evicted(_logger, lease.Namespace, lease.App, lease.InstanceId, lease.LeaseId, r);
            }
        }

        _guard.Evicted(now, evicted);
        _metrics.Expired(evicted);
        return evicted;
    }
}
