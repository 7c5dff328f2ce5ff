using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Stores;
using Introspection.Registry.Watch;

namespace Introspection.Bench.Micro;

/// <summary>
/// One change fanned out to 1,000 watchers of one app, as far as encoding goes: every watcher building and
/// serializing its own DELTA (the registry before watch groups) against the watchers sharing one
/// <see cref="WatchGroup"/> (one build and one serialization, then 999 reuses).
/// </summary>
public class FanoutEncodeBenchmarks
{
    private const int Watchers = 1000;
    private List<ChangeEvent> _events = [];
    private long _after;

    /// <summary>Builds one introspection change (one instance record, one label).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var labels = new Dictionary<string, string> { ["zone"] = "zone-a" };
        _events = [new ChangeEvent(1001, ChangeKind.Put, "default", new InstanceRecord("app000", "app000-00001", "127.0.0.2", 40000, new string('a', 64), labels, 1001), null)];
    }

    /// <summary>Each of 1,000 watchers encodes and serializes the change itself.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Watchers)]
    public int PerWatcher()
    {
        var bytes = 0;
        for (var w = 0; w < Watchers; w++)
        {
            bytes += WatchResponseEncoder.Delta(_events, 0, 1, 1000).ToByteArray().Length;
        }

        return bytes;
    }

    /// <summary>1,000 watchers of one group: the first builds and serializes, the rest reuse.</summary>
    [Benchmark(OperationsPerInvoke = Watchers)]
    public int Shared()
    {
        // A fresh range per invocation, so each invocation pays for one build like a real change does.
        var group = new WatchGroup("default\n-i\napp000", compact: false);
        var after = ++_after;
        var bytes = 0;
        for (var w = 0; w < Watchers; w++)
        {
            var response = group.Delta(_events, 0, 1, after);
            bytes += PreSerializedWatchResponses.SizeOf(response);
        }

        return bytes;
    }
}
