namespace Introspection.Registry.Tests.Redis;

/// <summary>
/// The Sentinel failover tests run alone, after every parallel collection: a failover is a chain of timed steps
/// (Sentinel's down-after, the election, StackExchange.Redis noticing the new primary) that took 9 s on a quiet
/// machine and more than 30 s while the other test collections loaded both cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SentinelCollection
{
    public const string Name = "redis-sentinel";
}
