namespace Introspection.Bench.Capacity;

/// <summary>
/// The <c>capacity</c> run. The initial values are the defaults: <see cref="CapacityCommandLine"/> takes
/// them from here, and <c>capacity --help</c> prints them.
/// </summary>
internal sealed class CapacityOptions
{
    public IReadOnlyList<string> Stores { get; init; } = ["memory", "redis"];

    public int Instances { get; init; } = 100_000;

    /// <summary>Live-instance counts at which memory is measured on the way to <see cref="Instances"/>; empty: only at the end.</summary>
    public IReadOnlyList<int> Sizes { get; init; } = [];

    public int Apps { get; init; } = 1000;

    public int Concurrency { get; init; } = 256;

    public int RenewSeconds { get; init; } = 10;

    /// <summary>The paced renewal phase: every live instance renewed once per TTL/3 with this TTL; 0: no paced phase.</summary>
    public int RenewTtlMs { get; init; } = 15_000;

    public int KeepAliveStreams { get; init; } = 64;

    public int RenewWindow { get; init; } = 256;

    public int Watchers { get; init; } = 1000;

    public int Changes { get; init; } = 200;

    public int ChangeIntervalMs { get; init; } = 50;

    /// <summary>Optional cap on the whole run of one store; null: none.</summary>
    public int? DurationSeconds { get; init; }

    public string OutDirectory { get; init; } = "capacity-results";

    /// <summary>The registry to start; null: the one built beside the bench.</summary>
    public string? RegistryDll { get; init; }

    /// <summary>Extra registry configuration, each as <c>--Key=Value</c>.</summary>
    public IReadOnlyList<string> RegistryArgs { get; init; } = [];

    public IReadOnlyDictionary<string, string> RegistryEnvironment { get; init; } = new Dictionary<string, string>();
}
