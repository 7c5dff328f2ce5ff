using Grpc.Net.Client.Balancer;
using Grpc.Net.ClientFactory;
using Introspection.Client;
using Introspection.Client.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using System.Diagnostics.Metrics;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Introspection discovery client.</summary>
public static class IntrospectionClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <see cref="IntrospectionClient"/> singleton, its options (bound from the
    /// <c>Introspection:Client</c> configuration section when an <c>IConfiguration</c> is registered, then
    /// <paramref name="configure"/>), a hosted service that starts it and discovers
    /// <see cref="IntrospectionClientOptions.Services"/> eagerly, and the grpc-dotnet <see cref="ResolverFactory"/>
    /// for <c>introspect:///</c> addresses, so <c>services.AddGrpcClient&lt;T&gt;(o =&gt; o.Address = new
    /// Uri("introspect:///greet.Greeter"))</c> resolves through the registry with round_robin and retries.
    /// Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddIntrospectionClient(this IServiceCollection services, Action<IntrospectionClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<IntrospectionClientOptions>, IntrospectionClientConfigureOptions>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IntrospectionClientOptions>, IntrospectionClientOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new IntrospectionClient(
            provider.GetRequiredService<IOptions<IntrospectionClientOptions>>().Value,
            provider.GetService<ILoggerFactory>() ?? Logging.Abstractions.NullLoggerFactory.Instance,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<IMeterFactory>(),
            provider.GetService<IMetadataFetcher>(),
            provider.GetService<IRandomSource>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, IntrospectionClientHostedService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ResolverFactory, IntrospectionResolverFactory>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<GrpcClientFactoryOptions>, IntrospectionGrpcClientConfigurator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<Http.HttpClientFactoryOptions>, IntrospectionProviderHandlerConfigurator>());
        return services;
    }
}
