using System.Diagnostics.Metrics;

namespace Introspection.Client.Internal;

/// <summary>
/// Instruments of the <c>Introspection.Client</c> meter. Created through <see cref="IMeterFactory"/> when DI
/// provides one, so each service provider (and each test) gets its own meter instance.
/// </summary>
internal sealed class IntrospectionClientMetrics : IDisposable
{
    public const string MeterName = IntrospectionClientMeter.Name;

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _metadataFetches;
    private readonly Counter<long> _cacheHits;
    private readonly Counter<long> _cacheMisses;
    private readonly Counter<long> _metadataRejected;
    private readonly Counter<long> _watchReconnects;
    private readonly Counter<long> _watchEvents;
    private readonly Counter<long> _watchOpens;

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

        _metadataFetches = _meter.CreateCounter<long>("introspection.client.metadata.fetches", "{call}", "MetadataService calls made, by outcome (success, error, rejected).");
        _cacheHits = _meter.CreateCounter<long>("introspection.client.metadata.cache.hits", "{lookup}", "Metadata lookups answered from the (app, revision) cache.");
        _cacheMisses = _meter.CreateCounter<long>("introspection.client.metadata.cache.misses", "{lookup}", "Metadata lookups that needed (or joined) a fetch.");
        _metadataRejected = _meter.CreateCounter<long>("introspection.client.metadata.rejected", "{answer}", "Metadata answers rejected because their revision or content hash did not match.");
        _watchReconnects = _meter.CreateCounter<long>("introspection.client.watch.reconnects", "{reconnect}", "Registry Watch streams re-opened after a failure.");
        _watchOpens = _meter.CreateCounter<long>("introspection.client.watch.opens", "{stream}", "Registry Watch streams established (first message applied), by mode: resume (continued from the last revision applied with a delta) or snapshot (from scratch, or a resume the registry answered with a reset snapshot).");
        _watchEvents = _meter.CreateCounter<long>("introspection.client.watch.messages", "{message}", "Registry Watch messages applied, by kind.");
    }

    public Meter Meter => _meter;

    public void MetadataFetched(string outcome) => _metadataFetches.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void CacheHit() => _cacheHits.Add(1);

    public void CacheMiss() => _cacheMisses.Add(1);

    public void MetadataRejected() => _metadataRejected.Add(1);

    public void WatchReconnected() => _watchReconnects.Add(1);

    public void WatchOpened(bool resumed) => _watchOpens.Add(1, new KeyValuePair<string, object?>("mode", resumed ? "resume" : "snapshot"));

    public void WatchMessage(string kind) => _watchEvents.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
