using System.Diagnostics.Metrics;

namespace Introspection.Registry.Internal;

/// <summary>
/// The <c>Introspection.Registry</c> meter. Gauges report what the last sweep counted (the store is
/// the source of truth and may be shared by several nodes, so a node does not count by itself).
/// </summary>
internal sealed class RegistryMetrics
{
    /// <summary>The meter name to listen to; public as <see cref="RegistryMetricNames.MeterName"/>.</summary>
    public const string MeterName = RegistryMetricNames.MeterName;

    private readonly Counter<long> _registrations;
    private readonly Counter<long> _renewals;
    private readonly Counter<long> _expirations;
    private readonly UpDownCounter<long> _watchers;
    private readonly Counter<long> _eventsPushed;
    private readonly Counter<long> _bytesPushed;
    private readonly Counter<long> _watchResets;
    private readonly Counter<long> _probes;
    private readonly Counter<long> _probeExtensions;
    private readonly Counter<long> _limitRejections;
    private readonly Counter<long> _unmapped;
    private long _leases;
    private long _lapsedLeases;
    private int _selfPreservation;

    public RegistryMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge(RegistryMetricNames.Instances, () => Volatile.Read(ref _leases), "{instance}", "Registered instances (one lease each), as of the last sweep.");
        meter.CreateObservableGauge(
            RegistryMetricNames.Leases,
            () => new[]
            {
                new Measurement<long>(Volatile.Read(ref _leases) - Volatile.Read(ref _lapsedLeases), new KeyValuePair<string, object?>("state", "live")),
                new Measurement<long>(Volatile.Read(ref _lapsedLeases), new KeyValuePair<string, object?>("state", "lapsed")),
            },
            "{lease}",
            "Leases by state, as of the last sweep (lapsed: expired but not evicted yet).");
        meter.CreateObservableGauge(RegistryMetricNames.SelfPreservation, () => Volatile.Read(ref _selfPreservation), null, "1 while eviction is paused by self-preservation.");
        _registrations = meter.CreateCounter<long>(RegistryMetricNames.Registrations, "{registration}", "Successful Register calls.");
        _renewals = meter.CreateCounter<long>(RegistryMetricNames.Renewals, "{renewal}", "KeepAlive renewals, by result.");
        _expirations = meter.CreateCounter<long>(RegistryMetricNames.Expirations, "{lease}", "Leases evicted because they lapsed.");
        _watchers = meter.CreateUpDownCounter<long>(RegistryMetricNames.Watchers, "{watcher}", "Open Watch streams on this node.");
        _eventsPushed = meter.CreateCounter<long>(RegistryMetricNames.EventsPushed, "{event}", "Watch events written to watchers (snapshot records included).");
        _bytesPushed = meter.CreateCounter<long>(RegistryMetricNames.BytesPushed, "By", "Bytes of Watch messages written to watchers.");
        _probes = meter.CreateCounter<long>(RegistryMetricNames.Probes, "{probe}", "Health probes of lapsed instances before eviction, by result (serving, not_serving, timeout, unreachable).");
        _probeExtensions = meter.CreateCounter<long>(RegistryMetricNames.ProbeExtensions, "{lease}", "Lapsed leases renewed by the registry because the instance's probe answered SERVING.");
        _limitRejections = meter.CreateCounter<long>(RegistryMetricNames.LimitRejections, "{call}", "Calls refused with RESOURCE_EXHAUSTED by a registry cap, by limit.");
        _unmapped = meter.CreateCounter<long>(RegistryMetricNames.Unmapped, "{app}", "Apps whose mappings were removed after Limits:UnmapAfter without an instance.");
        _watchResets = meter.CreateCounter<long>(RegistryMetricNames.WatchResets, "{snapshot}", "Reset snapshots sent (history lost or watcher overflow).");
    }

    public bool SelfPreservationActive => Volatile.Read(ref _selfPreservation) == 1;

    public void Registered() => _registrations.Add(1);

    public void Renewed(bool found) => _renewals.Add(1, new KeyValuePair<string, object?>("result", found ? "ok" : "not_found"));

    public void Expired(long count) => _expirations.Add(count);

    public void WatcherOpened() => _watchers.Add(1);

    public void WatcherClosed() => _watchers.Add(-1);

    public void Pushed(int events, int bytes)
    {
        _eventsPushed.Add(events);
        _bytesPushed.Add(bytes);
    }

    public void WatchReset() => _watchResets.Add(1);

    public void Probed(Leases.ProbeOutcome outcome) => _probes.Add(1, new KeyValuePair<string, object?>("result", outcome switch
    {
        Leases.ProbeOutcome.Serving => "serving",
        Leases.ProbeOutcome.NotServing => "not_serving",
        Leases.ProbeOutcome.Timeout => "timeout",
        _ => "unreachable",
    }));

    public void ProbeExtended() => _probeExtensions.Add(1);

    public void LimitRejected(string limit) => _limitRejections.Add(1, new KeyValuePair<string, object?>("limit", limit));

    public void AppsUnmapped(int count) => _unmapped.Add(count);

    public void LeasesCounted(long total, long lapsed)
    {
        Volatile.Write(ref _leases, total);
        Volatile.Write(ref _lapsedLeases, lapsed);
    }

    public void SetSelfPreservation(bool active) => Volatile.Write(ref _selfPreservation, active ? 1 : 0);
}
