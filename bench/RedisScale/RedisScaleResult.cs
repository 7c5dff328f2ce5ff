namespace Introspection.Bench.RedisScale;

/// <summary>What one node count measured: N registry nodes on one fresh redis-server.</summary>
internal sealed class RedisScaleResult
{
    public int Nodes { get; set; }

    public int Instances { get; set; }

    public string? Error { get; set; }

    public List<string> Warnings { get; set; } = [];

    public RedisScalePhase? Registration { get; set; }

    /// <summary>One lease per KeepAlive message, one in flight per stream: what real providers send.</summary>
    public RedisScalePhase? SingleLeaseRenewal { get; set; }

    /// <summary>Many renewals in flight per stream: the registry reads them in bursts.</summary>
    public RedisScalePhase? BurstRenewal { get; set; }
}
