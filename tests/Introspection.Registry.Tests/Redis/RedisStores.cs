using Introspection.Registry.Stores.Redis;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Introspection.Registry.Tests.Redis;

/// <summary>Builds Redis stores for tests.</summary>
internal static class RedisStores
{
    /// <summary>A key prefix no other test uses: a fresh, empty registry on a shared server.</summary>
    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..12];

    public static RedisRegistryStore Create(string configuration, string prefix, RegistryOptions? registry = null, TimeProvider? time = null, Action<RegistryRedisOptions>? configure = null)
    {
        var options = new RegistryRedisOptions { Configuration = configuration, KeyPrefix = prefix };
        configure?.Invoke(options);
        return new RedisRegistryStore(Options.Create(options), Options.Create(registry ?? new RegistryOptions()), time ?? TimeProvider.System, NullLogger<RedisRegistryStore>.Instance);
    }
}
