using Introspection.Registry.Tests.Redis;

namespace Introspection.Registry.Tests.Security;

/// <summary><see cref="RegistryAuthorizationTests"/> on the Redis store (ownership and per-principal caps inside its scripts).</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisRegistryAuthorizationTests(RedisServerFixture fixture) : RegistryAuthorizationTests
{
    private protected override Task<SecuredRegistry> StartAsync(params string[] settings) =>
        SecuredRegistry.StartAsync(s => RegistryHost.StartOnRedisAsync(fixture.Server, RedisStores.NewPrefix(), s), settings);
}
