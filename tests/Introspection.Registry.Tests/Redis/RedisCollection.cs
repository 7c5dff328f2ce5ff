namespace Introspection.Registry.Tests.Redis;

/// <summary>The Redis tests share one server and run one after another (2 shared cores; the timing tests need them).</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServerFixture>
{
    public const string Name = "redis";
}
