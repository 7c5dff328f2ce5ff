namespace Introspection.Bench.RedisScale;

/// <summary>
/// The <c>redis-scale</c> run. The initial values are the defaults: <see cref="RedisScaleCommandLine"/>
/// takes them from here, and <c>redis-scale --help</c> prints them.
/// </summary>
internal sealed class RedisScaleOptions
{
    /// <summary>Registry node counts to measure, each on a fresh redis-server.</summary>
    public IReadOnlyList<int> Nodes { get; init; } = [1, 2];

    public int Instances { get; init; } = 20_000;

    public int Apps { get; init; } = 200;

    /// <summary>Register calls in flight, over all nodes.</summary>
    public int Concurrency { get; init; } = 256;

    /// <summary>Length of each renewal measurement (single-lease, then burst).</summary>
    public int RenewSeconds { get; init; } = 5;

    /// <summary>Single-lease renewals: this many KeepAlive streams, each with one renewal in flight.</summary>
    public int SingleStreams { get; init; } = 256;

    /// <summary>Burst renewals: this many KeepAlive streams ...</summary>
    public int BurstStreams { get; init; } = 32;

    /// <summary>... each with this many renewals in flight, so the registry reads them in bursts.</summary>
    public int BurstWindow { get; init; } = 256;

    public string OutDirectory { get; init; } = "redis-scale-results";

    /// <summary>The registry to start; null: the one built beside the bench.</summary>
    public string? RegistryDll { get; init; }

    /// <summary>Extra registry configuration, each as <c>--Key=Value</c>.</summary>
    public IReadOnlyList<string> RegistryArgs { get; init; } = [];
}
