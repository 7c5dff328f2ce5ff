using BenchmarkDotNet.Attributes;
using Introspection.Registry;
using Introspection.Registry.Stores;
using Introspection.Registry.Stores.Memory;
using Microsoft.Extensions.Options;

namespace Introspection.Bench.Micro;

/// <summary>
/// The in-memory store's hot operations on a store holding 100,000 instances (1,000 apps × 100):
/// re-register (replace) one instance, renew one lease, list one app's instances.
/// </summary>
public class MemoryStoreBenchmarks
{
    private const string Namespace = "default";
    private MemoryRegistryStore _store = null!;
    private long[] _leases = [];
    private InstanceRecord[] _records = [];
    private int _next;

    /// <summary>Fills the store.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _store = new MemoryRegistryStore(Options.Create(new RegistryOptions()), TimeProvider.System);
        var labels = new Dictionary<string, string> { ["zone"] = "zone-a" };
        _records = Enumerable.Range(0, 100_000)
            .Select(i => new InstanceRecord($"app{i % 1000:D4}", $"i{i:D6}", "127.0.0.2", 40000, new string('a', 64), labels))
            .ToArray();
        _leases = new long[_records.Length];
        for (var i = 0; i < _records.Length; i++)
        {
            _leases[i] = _store.RegisterAsync(Namespace, _records[i], TimeSpan.FromMinutes(5), CancellationToken.None).AsTask().GetAwaiter().GetResult().LeaseId;
        }
    }

    /// <summary>Re-registers an existing instance (replaces record and lease, appends one event).</summary>
    [Benchmark]
    public long Register()
    {
        var i = _next++ % _records.Length;
        var result = _store.RegisterAsync(Namespace, _records[i], TimeSpan.FromMinutes(5), CancellationToken.None).AsTask().GetAwaiter().GetResult();
        _leases[i] = result.LeaseId;
        return result.Revision;
    }

    /// <summary>Renews one lease.</summary>
    [Benchmark]
    public bool Renew() => _store.RenewAsync(Namespace, _leases[_next++ % _leases.Length], CancellationToken.None).AsTask().GetAwaiter().GetResult().Found;

    /// <summary>Lists the 100 instances of one app.</summary>
    [Benchmark]
    public int ListInstances() => _store.ListInstancesAsync(Namespace, $"app{_next++ % 1000:D4}", CancellationToken.None).AsTask().GetAwaiter().GetResult().Instances.Count;
}
