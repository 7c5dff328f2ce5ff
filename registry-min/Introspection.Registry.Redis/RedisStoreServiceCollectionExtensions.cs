using Introspection.Registry;
using Introspection.Registry.Stores;
using Introspection.Registry.Stores.Redis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Redis store of the Introspection registry.</summary>
public static class RedisStoreServiceCollectionExtensions
{
    /// <summary>
    /// Makes <c>Introspection:Registry:Store=redis</c> available: <see cref="RegistryRedisOptions"/> bound from
    /// <c>Introspection:Registry:Redis</c> (validated at startup when the store is redis) and the store itself,
    /// keyed <c>redis</c>. Call it beside <c>AddIntrospectionRegistry</c> (either order); only then does
    /// this assembly (and StackExchange.Redis) load. Safe to call twice. Without
    /// <see cref="RegistryRedisOptions.Configuration"/>, the store uses the application's <c>IConnectionMultiplexer</c>
    /// from DI (see <see cref="RegistryRedisOptions.ConnectionServiceKey"/>) and never disposes it.
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
        // A factory, so the application's IConnectionMultiplexer (when there is one and no Configuration is set) is
        // handed in; RegistryRedisOptions.ConnectionServiceKey says which, and who owns it.
        services.TryAddKeyedSingleton<IRegistryStore>(RedisRegistryStore.StoreName, static (sp, _) =>
        {
            var options = sp.GetRequiredService<IOptions<RegistryRedisOptions>>();
            return new RedisRegistryStore(
                options,
                sp.GetRequiredService<IOptions<RegistryOptions>>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<RedisRegistryStore>>(),
                RedisRegistryStore.SharedConnectionFrom(sp, options.Value));
        });
        return services;
    }
}
