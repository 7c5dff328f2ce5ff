using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Watch;

namespace Introspection.Bench.Micro;

/// <summary>
/// Encoding a SNAPSHOT of one app's introspection records (one label, one build's revision) for one watcher:
/// inline, as every watcher got before the compact form, against compact (protocol/COMPACT.md: count, copy each
/// record into table refs, serialize). Shows what the tables cost the registry per message for the bytes they save.
/// </summary>
[MemoryDiagnoser]
public class RecordEncodeBenchmarks
{
    private Instance[] _instances = [];

    /// <summary>Records in the message.</summary>
    [Params(1, 32, 1000)]
    public int Records { get; set; }

    /// <summary>Builds the records.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _instances = Enumerable.Range(0, Records)
            .Select(i => new Instance { App = "app000", InstanceId = $"app000-{i:D5}", Host = "127.0.0.2", Port = 40000, Revision = new string('a', 64), Labels = { ["zone"] = "a" }, ModRevision = 1000 + i })
            .ToArray();
    }

    /// <summary>Every value inline (a watcher that did not ask for compact).</summary>
    [Benchmark(Baseline = true)]
    public byte[] Inline() => Build().ToByteArray();

    /// <summary>Tables plus refs (a watcher that asked for compact).</summary>
    [Benchmark]
    public byte[] Compact()
    {
        var response = Build();
        WatchResponseEncoder.Compact(response);
        return response.ToByteArray();
    }

    private WatchResponse Build()
    {
        var response = new WatchResponse { Kind = WatchResponseKind.Snapshot, Revision = 2000 };
        // A copy per message, as the registry converts store records per snapshot (compact then edits them in place).
        foreach (var instance in _instances)
        {
            response.Instances.Add(instance.Clone());
        }

        return response;
    }
}
