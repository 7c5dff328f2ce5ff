using System.Diagnostics.Metrics;
using Introspection.Client;
using Introspection.Client.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the plain registration API (<see cref="IntrospectionRegistrar"/>).</summary>
public static class IntrospectionRegistrarServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <see cref="IntrospectionRegistrar"/> singleton and its options (bound from the
    /// <c>Introspection:Registrar</c> configuration section when an <c>IConfiguration</c> is registered, then
    /// <paramref name="configure"/>), validated when the registrar is first resolved. Endpoints are added by
    /// calling <see cref="IntrospectionRegistrar.AddEndpoint"/> (from a hosted service, for example); the
    /// container disposing the registrar stops their renewals. Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddIntrospectionRegistrar(this IServiceCollection services, Action<IntrospectionRegistrarOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<IntrospectionRegistrarOptions>, IntrospectionRegistrarConfigureOptions>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IntrospectionRegistrarOptions>, IntrospectionRegistrarOptionsValidator>());
        services.TryAddSingleton(static _ => TimeProvider.System);
        services.TryAddSingleton(static provider => new IntrospectionRegistrar(
            provider.GetRequiredService<IOptions<IntrospectionRegistrarOptions>>().Value,
            provider.GetService<ILoggerFactory>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<IMeterFactory>()));
        return services;
    }
}
