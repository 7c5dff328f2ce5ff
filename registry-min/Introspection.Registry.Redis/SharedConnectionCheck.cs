using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Introspection.Registry.Stores.Redis;

/// <summary>Without a configuration string the store needs the application's multiplexer: say at startup when there is none.</summary>
internal static class SharedConnectionCheck
{
    public static string? Error(IServiceProvider? services, RegistryRedisOptions options)
    {
        var key = options.ConnectionServiceKey;
        var registered = key is { Length: > 0 }
            ? services?.GetService<IServiceProviderIsKeyedService>()?.IsKeyedService(typeof(IConnectionMultiplexer), key) ?? false
            : services?.GetService<IServiceProviderIsService>()?.IsService(typeof(IConnectionMultiplexer)) ?? false;
        if (registered)
        {
            return null;
        }

        return key is { Length: > 0 }
            ? $"{RegistryRedisOptions.SectionName}:ConnectionServiceKey '{key}' names no keyed IConnectionMultiplexer in the service collection (e.g. AddKeyedRedisClient(\"{key}\")); register one, or set {RegistryRedisOptions.SectionName}:Configuration."
            : $"{RegistryRedisOptions.SectionName}:Configuration is required when Introspection:Registry:Store is redis (e.g. 127.0.0.1:6379), unless the application registers an IConnectionMultiplexer (e.g. .NET Aspire's AddRedisClient) for the store to use.";
    }
}
