using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Introspection.Client.Tests.Infrastructure;

/// <summary>Sums the long counters of one meter instance, by instrument name and optional tag value.</summary>
public sealed class MeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new();

    public MeterRecorder(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            _totals.AddOrUpdate(instrument.Name, value, (_, v) => v + value);
            foreach (var tag in tags)
            {
                _totals.AddOrUpdate($"{instrument.Name}[{tag.Value}]", value, (_, v) => v + value);
            }
        });
        _listener.Start();
    }

    public long Get(string name) => _totals.TryGetValue(name, out var value) ? value : 0;

    public void Dispose() => _listener.Dispose();
}
