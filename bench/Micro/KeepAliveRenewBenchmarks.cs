using BenchmarkDotNet.Attributes;
using Introspection.Registry;
using Introspection.Registry.Stores;
using Introspection.Registry.Stores.Memory;
using Microsoft.Extensions.Options;

namespace Introspection.Bench.Micro;

/// <summary>
/// Renewing the 64 leases of one KeepAlive burst in the memory store: one store call per lease against one
/// <see cref="IRegistryStore.RenewBatchAsync"/> call for the burst (what KeepAlive does with requests already received).
/// </summary>
public class KeepAliveRenewBenchmarks
{
    private const string Namespace = "default";
    private const int Burst = 64;
    private IRegistryStore _store = null!;
    private LeaseRenewal[] _renewals = [];

    /// <summary>Fills the store with 100,000 instances.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _store = new MemoryRegistryStore(Options.Create(new RegistryOptions()), TimeProvider.System);
        var labels = new Dictionary<string, string> { ["zone"] = "zone-a" };
        var leases = new long[100_000];
        for (var i = 0; i < leases.Length; i++)
        {
            var record = new InstanceRecord($"app{i % 1000:D4}", $"i{i:D6}", "127.0.0.2", 40000, new string('a', 64), labels);
            leases[i] = _store.RegisterAsync(Namespace, record, TimeSpan.FromMinutes(5), CancellationToken.None).AsTask().GetAwaiter().GetResult().LeaseId;
        }

        _renewals = [.. leases.Take(Burst).Select(id => new LeaseRenewal(Namespace, id, LeaseOwnership.Anonymous))];
    }

    /// <summary>64 renewals, one store call each.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Burst)]
    public int OneByOne()
    {
        var found = 0;
        foreach (var renewal in _renewals)
        {
            found += _store.RenewAsync(renewal.Namespace, renewal.LeaseId, CancellationToken.None).AsTask().GetAwaiter().GetResult().Found ? 1 : 0;
        }

        return found;
    }

    /// <summary>The same 64 renewals in one batch.</summary>
    [Benchmark(OperationsPerInvoke = Burst)]
    public int Batch() => _store.RenewBatchAsync(_renewals, CancellationToken.None).AsTask().GetAwaiter().GetResult().Count(r => r.Found);
}
