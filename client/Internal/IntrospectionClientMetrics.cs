using System.Diagnostics.Metrics;

namespace Introspection.Client.Internal;

/// <summary>
/// Instruments of the <c>Introspection.Client</c> meter. Created through <see cref="IMeterFactory"/> when DI
/// provides one, so each service provider (and each test) gets its own meter instance. Names follow
/// OpenTelemetry's rules (docs/telemetry.md): counters of things are plural, durations are histograms in seconds,
/// attributes share the <c>introspection.</c> prefix.
/// </summary>
internal sealed class IntrospectionClientMetrics : IDisposable
{
    public const string MeterName = IntrospectionClientMeter.Name;

    public const string MetadataFetches = "introspection.client.metadata.fetches";
    public const string MetadataFetchDuration = "introspection.client.metadata.fetch.duration";
    public const string MetadataCacheLookups = "introspection.client.metadata.cache.lookups";
    public const string WatchReconnects = "introspection.client.watch.reconnects";
    public const string WatchStreams = "introspection.client.watch.streams";
    public const string WatchMessages = "introspection.client.watch.messages";
    public const string WatchApplyLag = "introspection.client.watch.apply.lag";

    /// <summary>A fetch is one unary call to an instance: milliseconds on a LAN, seconds when the instance hangs until the timeout.</summary>
    internal static readonly double[] FetchBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>Applying a Watch message is in-memory work: sub-millisecond to a few milliseconds for big snapshots.</summary>
    internal static readonly double[] ApplyBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _metadataFetches;
    private readonly Histogram<double> _metadataFetchDuration;
    private readonly Counter<long> _cacheLookups;
    private readonly Counter<long> _watchReconnects;
    private readonly Counter<long> _watchEvents;
    private readonly Counter<long> _watchOpens;
    private readonly Histogram<double> _watchApplyLag;

    public IntrospectionClientMetrics(IMeterFactory? meterFactory)
    {
        if (meterFactory is null)
        {
            _meter = new Meter(MeterName);
            _ownsMeter = true;
        }
        else
        {
            _meter = meterFactory.Create(MeterName);
        }

        _metadataFetches = _meter.CreateCounter<long>(MetadataFetches, "{fetch}", "MetadataService calls made, by introspection.result (success, error, rejected: the answer's revision or content hash did not match).");
        _metadataFetchDuration = _meter.CreateHistogram(
            MetadataFetchDuration,
            "s",
            "Duration of one MetadataService call to one instance, by introspection.result.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = FetchBuckets });
        _cacheLookups = _meter.CreateCounter<long>(MetadataCacheLookups, "{lookup}", "Metadata lookups, by introspection.result: hit (answered from the (app, revision) cache) or miss (needed or joined a fetch).");
        _watchReconnects = _meter.CreateCounter<long>(WatchReconnects, "{reconnect}", "Registry Watch streams re-opened after a failure.");
        _watchOpens = _meter.CreateCounter<long>(WatchStreams, "{stream}", "Registry Watch streams established (first message applied), by introspection.watch.mode: resume (continued from the last revision applied with a delta) or snapshot (from scratch, or a resume the registry answered with a reset snapshot).");
        _watchEvents = _meter.CreateCounter<long>(WatchMessages, "{message}", "Registry Watch messages applied, by introspection.watch.kind (snapshot, delta).");
        _watchApplyLag = _meter.CreateHistogram(
            WatchApplyLag,
            "s",
            "From a Watch message read off the stream to the view updated and the change handed to the resolvers, by introspection.watch.kind.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ApplyBuckets });
    }

    public Meter Meter => _meter;

    public void MetadataFetched(string result, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>(TelemetryTags.Result, result);
        _metadataFetches.Add(1, tag);
        _metadataFetchDuration.Record(duration.TotalSeconds, tag);
    }

    public void CacheHit() => _cacheLookups.Add(1, new KeyValuePair<string, object?>(TelemetryTags.Result, "hit"));

    public void CacheMiss() => _cacheLookups.Add(1, new KeyValuePair<string, object?>(TelemetryTags.Result, "miss"));

    public void WatchReconnected() => _watchReconnects.Add(1);

    public void WatchOpened(bool resumed) => _watchOpens.Add(1, new KeyValuePair<string, object?>(TelemetryTags.WatchMode, resumed ? "resume" : "snapshot"));

    public void WatchMessage(string kind, TimeSpan applyLag)
    {
        var tag = new KeyValuePair<string, object?>(TelemetryTags.WatchKind, kind);
        _watchEvents.Add(1, tag);
        _watchApplyLag.Record(applyLag.TotalSeconds, tag);
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
