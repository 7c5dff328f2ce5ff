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

    /// <summary>Attribute names: one per idea, under <c>introspection.</c>, shared with the client and the provider.</summary>
    public const string ResultTag = "introspection.result";
    public const string LeaseStateTag = "introspection.lease.state";
    public const string LimitTag = "introspection.limit";

    /// <summary>Delivery is in-process work plus the coalescing window (50 ms by default): buckets around it.</summary>
    internal static readonly double[] DeliveryBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly KeyValuePair<string, object?> s_transmit = new("network.io.direction", "transmit");

    private readonly Counter<long> _registrations;
    private readonly Counter<long> _renewals;
    private readonly Counter<long> _expirations;
    private readonly UpDownCounter<long> _watchers;
    private readonly Counter<long> _eventsPushed;
    private readonly Counter<long> _bytesPushed;
    private readonly Counter<long> _watchResets;
    private readonly Histogram<double> _deliveryLag;
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
                new Measurement<long>(Volatile.Read(ref _leases) - Volatile.Read(ref _lapsedLeases), new KeyValuePair<string, object?>(LeaseStateTag, "live")),
                new Measurement<long>(Volatile.Read(ref _lapsedLeases), new KeyValuePair<string, object?>(LeaseStateTag, "lapsed")),
            },
            "{lease}",
            "Leases by state, as of the last sweep (lapsed: expired but not evicted yet).");
        meter.CreateObservableGauge(RegistryMetricNames.SelfPreservation, () => Volatile.Read(ref _selfPreservation), "1", "1 while eviction is paused by self-preservation.");
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
        _deliveryLag = meter.CreateHistogram(
            RegistryMetricNames.DeliveryLag,
            "s",
            "Change-to-delivered lag: from the change pump taking a committed change off the store's feed to the Watch message carrying it written to the watcher's stream (oldest change of the message).",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DeliveryBuckets });
    }

    public bool SelfPreservationActive => Volatile.Read(ref _selfPreservation) == 1;

    public void Registered() => _registrations.Add(1);

    public void Renewed(bool found) => _renewals.Add(1, new KeyValuePair<string, object?>(ResultTag, found ? "ok" : "not_found"));

    public void Expired(long count)
    {
        _expirations.Add(count);
        if (count > 0)
        {
            Telemetry.RegistryActivitySource.RecordEviction(count);
        }
    }

    public void WatcherOpened() => _watchers.Add(1);

    public void WatcherClosed() => _watchers.Add(-1);

    public void Pushed(int events, int bytes)
    {
        _eventsPushed.Add(events);
        _bytesPushed.Add(bytes, s_transmit);
    }

    public void Delivered(TimeSpan lag) => _deliveryLag.Record(lag.TotalSeconds);

    public void WatchReset() => _watchResets.Add(1);

    public void Probed(Leases.ProbeOutcome outcome) => _probes.Add(1, new KeyValuePair<string, object?>(ResultTag, outcome switch
    {
        Leases.ProbeOutcome.Serving => "serving",
        Leases.ProbeOutcome.NotServing => "not_serving",
        Leases.ProbeOutcome.Timeout => "timeout",
        _ => "unreachable",
    }));

    public void ProbeExtended() => _probeExtensions.Add(1);

    public void LimitRejected(string limit) => _limitRejections.Add(1, new KeyValuePair<string, object?>(LimitTag, limit));

    public void AppsUnmapped(int count) => _unmapped.Add(count);

    public void LeasesCounted(long total, long lapsed)
    {
        Volatile.Write(ref _leases, total);
        Volatile.Write(ref _lapsedLeases, lapsed);
    }

    public void SetSelfPreservation(bool active) => Volatile.Write(ref _selfPreservation, active ? 1 : 0);
}
