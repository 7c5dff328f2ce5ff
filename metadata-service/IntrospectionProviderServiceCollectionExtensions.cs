using Introspection.Provider;
using Introspection.Provider.Internal;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers an Introspection provider: metadata, registration lifecycle, graceful shutdown.</summary>
public static class IntrospectionProviderServiceCollectionExtensions
{
    /// <summary>
    /// Adds what a provider needs: the metadata built from the app's mapped gRPC services, the
    /// hosted lifecycle (register after the server listens, keep alive, push new revisions,
    /// graceful shutdown), the drain middleware, the <c>introspection-registration</c> and
    /// <c>introspection-serving</c> health checks, grpc.health.v1 (service
    /// <c>introspection.metadata.v1.MetadataService</c> answers SERVING until the shutdown begins)
    /// and the <c>Introspection.Provider</c> meter. Options bind from the configuration
    /// section <c>Introspection:Provider</c>, then <paramref name="configure"/> runs. Also call
    /// <c>app.MapIntrospectionMetadata()</c>. Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddIntrospectionProvider(this IServiceCollection services, Action<IntrospectionProviderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddGrpc();
        services.AddMetrics();
        services.AddHealthChecks();
        services.AddGrpcHealthChecks();

        var optionsBuilder = services.AddOptions<IntrospectionProviderOptions>();
        if (!services.Any(d => d.ServiceType == typeof(ProviderLifecycle)))
        {
            // Bound once even if this method runs twice: binding twice would add list entries twice.
            optionsBuilder.BindConfiguration(IntrospectionProviderOptions.SectionName);
        }

        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        optionsBuilder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IntrospectionProviderOptions>, IntrospectionProviderOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IntrospectionProviderOptions>, Introspection.Provider.Dubbo.DubboInteropOptionsValidator>());
        services.TryAddSingleton<Introspection.Provider.Dubbo.DubboMetadataMapped>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<HostOptions>, HostOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HealthCheckServiceOptions>, HealthCheckSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, DrainStartupFilter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<Grpc.AspNetCore.HealthChecks.GrpcHealthChecksOptions>, GrpcHealthChecksSetup>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ProviderMetrics>();
        services.TryAddSingleton<Introspection.Wire.WireErrorLog>();
        services.TryAddSingleton<ProviderMetadata>();
        services.TryAddSingleton<IProviderMetadata>(sp => sp.GetRequiredService<ProviderMetadata>());
        services.TryAddSingleton<ProviderDrain>();
        services.TryAddSingleton<IProviderDrain>(sp => sp.GetRequiredService<ProviderDrain>());
        services.TryAddSingleton<ProviderLifecycle>();
        services.AddHostedService(sp => sp.GetRequiredService<ProviderLifecycle>());
        return services;
    }
}
