using Introspection.ServiceDiscovery;
using Introspection.ServiceDiscovery.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Introspection endpoint provider with Microsoft.Extensions.ServiceDiscovery.</summary>
public static class IntrospectionServiceDiscoveryServiceCollectionExtensions
{
    /// <summary>
    /// Adds an ME.SD endpoint provider that resolves app names through the Introspection registry, so that after
    /// <c>services.AddServiceDiscovery()</c> an <see cref="HttpClient"/> with <c>BaseAddress = http://greeter</c>
    /// (and <c>.AddServiceDiscovery()</c> on its builder), or a YARP destination <c>http://greeter</c>, reaches the
    /// instances of app <c>greeter</c>. Changes are pushed by the registry watch (change tokens), not polled. Names
    /// the registry does not know fall through to the next provider. Also adds the Introspection client
    /// (<c>AddIntrospectionClient()</c>, section <c>Introspection:Client</c>) and ME.SD's core services. Options
    /// bind from <c>Introspection:ServiceDiscovery</c>, then <paramref name="configure"/>. Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddIntrospectionServiceEndpointProvider(this IServiceCollection services, Action<IntrospectionServiceEndpointProviderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddServiceDiscoveryCore();
        services.AddIntrospectionClient();
        services.AddOptions<IntrospectionServiceEndpointProviderOptions>().Configure<IServiceProvider>(static (options, provider) =>
        {
            if (provider.GetService(typeof(IConfiguration)) is IConfiguration configuration)
            {
                foreach (var app in configuration.GetSection(IntrospectionServiceEndpointProviderOptions.SectionName).GetSection(nameof(IntrospectionServiceEndpointProviderOptions.Apps)).GetChildren())
                {
                    if (app.Value is { Length: > 0 } name)
                    {
                        options.Apps.Add(name);
                    }
                }
            }
        });
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IntrospectionServiceEndpointProviderOptions>, IntrospectionServiceEndpointProviderOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceEndpointProviderFactory, IntrospectionServiceEndpointProviderFactory>());
        return services;
    }
}
