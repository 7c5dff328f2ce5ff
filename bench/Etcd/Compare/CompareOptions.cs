namespace Introspection.Bench.Etcd.Compare;

/// <summary>The <c>etcd-compare</c> run; the initial values are the defaults (<see cref="CompareCommandLine"/> takes them from here).</summary>
internal sealed class CompareOptions
{
    public int Rounds { get; init; } = 2;

    public int Instances { get; init; } = 5000;

    public int Concurrency { get; init; } = 32;

    public int RenewSeconds { get; init; } = 5;

    public int RenewStreams { get; init; } = 4;

    public int RenewWindow { get; init; } = 64;

    public int Watchers { get; init; } = 1000;

    public int Changes { get; init; } = 50;

    public int ChangesPerSecond { get; init; } = 10;

    public string OutDirectory { get; init; } = "etcd-compare-results";

    public string? RegistryDll { get; init; }

    public IReadOnlyList<string> RegistryArgs { get; init; } = [];
}
