using Introspection.Registry.Stores;
using Introspection.Registry.Stores.Redis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Redis store of the Introspection registry.</summary>
public static class RedisStoreServiceCollectionExtensions
{
    /// <summary>
    /// Makes <c>Introspection:Registry:Store=redis</c> available: <see cref="RegistryRedisOptions"/> bound from
    /// <c>Introspection:Registry:Redis</c> (validated at startup when the store is redis) and the store itself,
    /// keyed <c>redis</c>. Call it beside <c>AddIntrospectionRegistry</c> (either order); only then does
    /// this assembly (and StackExchange.Redis) load. Safe to call twice.
    /// </summary>
    public static IServiceCollection AddIntrospectionRegistryRedisStore(this IServiceCollection services, Action<RegistryRedisOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<RegistryRedisOptions>().BindConfiguration(RegistryRedisOptions.SectionName).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RegistryRedisOptions>, RegistryRedisOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddKeyedSingleton<IRegistryStore, RedisRegistryStore>(RedisRegistryStore.StoreName);
        return services;
    }
}
