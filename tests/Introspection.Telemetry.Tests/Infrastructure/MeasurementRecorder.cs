using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Introspection.Telemetry.Tests.Infrastructure;

/// <summary>
/// A <see cref="MeterListener"/> on every Introspection meter: the instruments published (whichever DI container
/// created them) and every measurement with its attributes.
/// </summary>
public sealed class MeasurementRecorder : IDisposable
{
    public static readonly string[] MeterNames = [.. Introspection.OpenTelemetry.IntrospectionTelemetryNames.Meters];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, bool> _instruments = new();
    private readonly ConcurrentQueue<(Instrument Instrument, double Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

    public MeasurementRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (MeterNames.Contains(instrument.Meter.Name))
            {
                _instruments[instrument] = true;
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => _measurements.Enqueue((i, v, tags.ToArray())));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => _measurements.Enqueue((i, v, tags.ToArray())));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => _measurements.Enqueue((i, v, tags.ToArray())));
        _listener.Start();
    }

    public IReadOnlyCollection<Instrument> Instruments => [.. _instruments.Keys];

    public IReadOnlyList<(Instrument Instrument, double Value, KeyValuePair<string, object?>[] Tags)> Measurements
    {
        get
        {
            _listener.RecordObservableInstruments();
            return [.. _measurements];
        }
    }

    public IEnumerable<(double Value, KeyValuePair<string, object?>[] Tags)> Of(string instrument) =>
        Measurements.Where(m => m.Instrument.Name == instrument).Select(m => (m.Value, m.Tags));

    public void Dispose() => _listener.Dispose();
}
