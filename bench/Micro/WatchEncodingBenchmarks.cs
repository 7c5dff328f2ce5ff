using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Internal;
using Introspection.Registry.Stores;

namespace Introspection.Bench.Micro;

/// <summary>
/// Encoding one coalesced DELTA message the way the registry does for each watcher: store events
/// converted to wire events, then serialized. Small = an introspection record (1 label); Full = a
/// full-model record (25 labels: every parameter of a service).
/// </summary>
public class WatchEncodingBenchmarks
{
    private ChangeEvent[] _changes = [];
    private WatchResponse _response = new();

    /// <summary>Events in one DELTA message.</summary>
    [Params(1, 32)]
    public int Events { get; set; }

    /// <summary>Labels per instance record: 1 (introspection) or 25 (full model).</summary>
    [Params(1, 25)]
    public int Labels { get; set; }

    /// <summary>Builds the events.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var labels = Enumerable.Range(0, Labels).ToDictionary(i => i == 0 ? "zone" : $"param.{i}", i => $"value-{i}-app000");
        _changes = Enumerable.Range(0, Events)
            .Select(i => new ChangeEvent(1000 + i, ChangeKind.Put, "default", new InstanceRecord("app000", $"app000-{i:D5}", "127.0.0.2", 40000, new string('a', 64), labels, 1000 + i), null))
            .ToArray();
        _response = Build();
    }

    /// <summary>Store events to a wire message.</summary>
    [Benchmark]
    public WatchResponse Convert() => Build();

    /// <summary>Serializing a built message (what is written per watcher).</summary>
    [Benchmark]
    public byte[] Serialize() => _response.ToByteArray();

    private WatchResponse Build()
    {
        var response = new WatchResponse { Kind = WatchResponseKind.Delta, Revision = _changes[^1].Revision };
        foreach (var change in _changes)
        {
            response.Events.Add(ProtoConvert.ToProto(change));
        }

        return response;
    }
}
