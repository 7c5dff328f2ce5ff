using Introspection.Registry.Internal;
using Microsoft.Extensions.Options;

namespace Introspection.Registry.Leases;

/// <summary>
/// Decides, sweep by sweep, whether lapsed leases may be evicted. Node-local: each registry node
/// decides from the counts its own sweep saw, so it works the same over any store. The sweeper
/// feeds it established leases only (<see cref="Stores.LeaseScan.EstablishedLeases"/>: renewed at
/// least once), so registrations that never renew can neither trip it nor dilute a real mass lapse.
/// </summary>
internal sealed partial class SelfPreservationGuard
{
    private readonly RegistrySelfPreservationOptions _options;
    private readonly RegistryMetrics _metrics;
    private readonly ILogger<SelfPreservationGuard> _logger;
    private readonly Queue<(DateTimeOffset At, long Count)> _evictions = new();
    private long _evictedInWindow;
    private DateTimeOffset _lastWarning;
    private volatile bool _paused;

    public SelfPreservationGuard(IOptions<RegistryOptions> options, RegistryMetrics metrics, ILogger<SelfPreservationGuard> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value.SelfPreservation;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>True while eviction is paused.</summary>
    public bool IsPaused => _paused;

    /// <summary>
    /// Called once per sweep with the store's counts. Answers whether this sweep may evict.
    /// Not thread-safe: only the sweeper calls it.
    /// </summary>
    public bool MayEvict(DateTimeOffset now, long totalLeases, long lapsedLeases)
    {
        if (!_options.Enabled)
        {
            return true;
        }

        while (_evictions.Count > 0 && _evictions.Peek().At <= now - _options.Window)
        {
            _evictedInWindow -= _evictions.Dequeue().Count;
        }

        if (_paused)
        {
            // Renewals came back (or the dead were deregistered): the lapsed share is normal again.
            if (totalLeases < _options.MinimumLeases || lapsedLeases <= _options.Threshold * totalLeases)
            {
                _paused = false;
                _metrics.SetSelfPreservation(false);

                // Start a fresh window: the evictions that led here must not count twice.
                _evictions.Clear();
                _evictedInWindow = 0;
                Log.Resumed(_logger, lapsedLeases, totalLeases);
                return true;
            }

            if (now - _lastWarning >= _options.WarningInterval)
            {
                _lastWarning = now;
                Log.StillPaused(_logger, lapsedLeases, totalLeases);
            }

            return false;
        }

        if (lapsedLeases == 0)
        {
            return true;
        }

        // Leases alive at the start of the window ≈ leases now + those evicted since.
        var population = totalLeases + _evictedInWindow;
        var lapsedInWindow = lapsedLeases + _evictedInWindow;
        if (population >= _options.MinimumLeases && lapsedInWindow > _options.Threshold * population)
        {
            _paused = true;
            _lastWarning = now;
            _metrics.SetSelfPreservation(true);
            Log.Paused(_logger, lapsedInWindow, population, _options.Window, _options.Threshold);
            return false;
        }

        return true;
    }

    /// <summary>Records how many leases a sweep evicted.</summary>
    public void Evicted(DateTimeOffset now, long count)
    {
        if (count > 0)
        {
            _evictions.Enqueue((now, count));
            _evictedInWindow += count;
        }
    }
}
