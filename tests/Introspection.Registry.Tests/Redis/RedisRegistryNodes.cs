using Introspection.Registry.Tests.Infrastructure;

namespace Introspection.Registry.Tests.Redis;

/// <summary>Starts registry nodes (<see cref="RegistryApplication.Build"/>, Kestrel on port 0) that share one Redis registry.</summary>
internal static class RedisRegistryNodes
{
    public static Task<RegistryServer> StartAsync(RedisServer redis, string prefix, params string[] settings) =>
        RegistryServer.StartAsync(
        [
            "--Introspection:Registry:Store=redis",
            $"--Introspection:Registry:Redis:Configuration={redis.Configuration}",
            $"--Introspection:Registry:Redis:KeyPrefix={prefix}",
            .. settings,
        ]);
}
