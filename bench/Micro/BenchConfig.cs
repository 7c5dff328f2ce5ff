using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;

namespace Introspection.Bench.Micro;

/// <summary>The one configuration every micro-benchmark runs with: allocations are part of every result.</summary>
internal static class BenchConfig
{
    public static IConfig Create() => DefaultConfig.Instance.AddDiagnoser(MemoryDiagnoser.Default);
}
