namespace Introspection.Bench.RedisScale;

/// <summary>
/// One measured phase. CPU figures come from /proc: registry CPU summed over every node, Redis CPU of the
/// redis-server process. <see cref="RedisCpuUtilization"/> is Redis CPU seconds per wall second: Redis runs
/// commands on one thread, so near 1.0 it is saturated and more nodes cannot add throughput.
/// </summary>
internal sealed class RedisScalePhase
{
    public long Ok { get; set; }

    public long Failed { get; set; }

    public double Seconds { get; set; }

    public double PerSecond { get; set; }

    public double RegistryCpuSeconds { get; set; }

    public double RegistryCpuUsPerOp { get; set; }

    public double RedisCpuSeconds { get; set; }

    public double RedisCpuUsPerOp { get; set; }

    public double RedisCpuUtilization { get; set; }
}
