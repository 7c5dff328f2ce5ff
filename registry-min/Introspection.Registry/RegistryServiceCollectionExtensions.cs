using Grpc.AspNetCore.HealthChecks;
using Introspection.Registry;
using Introspection.Registry.Dashboard;
using Introspection.Registry.Internal;
using Introspection.Registry.Leases;
using Introspection.Registry.Security;
using Introspection.Registry.Services;
using Introspection.Registry.Stores;
using Introspection.Registry.Stores.Memory;
using Introspection.Registry.Watch;
using Introspection.Wire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Introspection registry's services.</summary>
public static class RegistryServiceCollectionExtensions
{
    /// <summary>The grpc.health.v1 service name that reports NOT_SERVING while self-preservation pauses eviction.</summary>
    public const string EvictionHealthServiceName = "introspection.registry.v1.Registry.Eviction";

    /// <summary>The <c>Introspection:Registry:Store</c> name of the built-in in-memory store (the default).</summary>
    public const string MemoryStoreName = "memory";

    /// <summary>The grpc.health.v1 service name of the registry itself (SERVING while its store answers).</summary>
    public const string RegistryHealthServiceName = "introspection.registry.v1.Registry";

    /// <summary>
    /// Adds the registry: options bound from the <c>Registry</c> section (validated at startup), the
    /// store named by <c>Introspection:Registry:Store</c>, the lease sweeper, the watch fan-out, gRPC, grpc.health.v1,
    /// reflection and the <c>Introspection.Registry</c> meter. Safe to call twice.
    /// </summary>
    public static IServiceCollection AddIntrospectionRegistry(this IServiceCollection services, Action<RegistryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var options = services.AddOptions<RegistryOptions>().BindConfiguration(RegistryOptions.SectionName).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (services.Any(static d => d.ServiceType == typeof(RegistryMarker)))
        {
            return services;
        }

        services.AddSingleton<RegistryMarker>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RegistryOptions>, RegistryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        // The options are the single source (configuration and configure delegates alike), but
        // built here without their validators: resolving IOptions<RegistryOptions> would move
        // option validation from StartAsync (ValidateOnStart, a clear message) into Build.
        services.AddOptions<HostOptions>().Configure<IServiceProvider>(static (host, sp) =>
        {
            var timeout = UnvalidatedOptions(sp).ShutdownTimeout;
            host.ShutdownTimeout = timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout;
        });
        services.AddMetrics();

        // Stores register under their Introspection:Registry:Store name; another store (e.g. "redis",
        // AddIntrospectionRegistryRedisStore in Introspection.Registry.Redis) adds its own keyed
        // registration and nothing else changes, so this library never loads a store's client.
        services.TryAddKeyedSingleton<IRegistryStore, MemoryRegistryStore>(MemoryStoreName);
        services.TryAddSingleton(static sp =>
        {
            var name = sp.GetRequiredService<IOptions<RegistryOptions>>().Value.Store;
            return sp.GetKeyedService<IRegistryStore>(name.ToLowerInvariant())
                ?? throw new InvalidOperationException($"Introspection:Registry:Store '{name}' is not a known store (known: memory; redis once AddIntrospectionRegistryRedisStore is called, which the registry host does).");
        });

        services.TryAddSingleton<RegistryMetrics>();
        services.TryAddSingleton<RequestValidator>();
        services.TryAddSingleton<LeaseTtlPolicy>();
        services.TryAddSingleton<SelfPreservationGuard>();
        services.TryAddSingleton<LeaseExtensions>();
        services.TryAddSingleton<InstanceProber>();
        services.TryAddSingleton<LeaseSweeper>();
        services.TryAddSingleton<WatchHub>();
        services.TryAddSingleton<WatchSession>();
        services.TryAddSingleton<WireErrorLog>();
        services.TryAddSingleton<RenewalOutageLog>();
        services.AddHostedService(static sp => sp.GetRequiredService<WatchHub>());
        services.AddHostedService(static sp => sp.GetRequiredService<LeaseSweeper>());

        // The dashboard (MapIntrospectionDashboard): its feed runs only while the dashboard is enabled.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RegistryOptions>, DashboardOptionsValidator>());
        services.TryAddSingleton<DashboardActivation>();
        services.TryAddSingleton<DashboardFeed>();
        services.TryAddSingleton<DashboardMetadataClient>();
        services.TryAddSingleton<DashboardDataAccess>();
        services.AddHostedService(static sp => sp.GetRequiredService<DashboardFeed>());

        RegistrySecurityServices.Add(services);
        services.TryAddSingleton<RegistryAuthorizer>();

        // The authorizer first (outermost): nothing reaches the service, or the store, unauthenticated.
        services.AddGrpc(static o =>
        {
            o.Interceptors.Add<RegistryAuthorizer>();
            o.Interceptors.Add<StoreUnavailableInterceptor>();
            o.Interceptors.Add<Introspection.Registry.Telemetry.ServerSpanTagsInterceptor>();
        });
        services.AddGrpcReflection();
        services.AddGrpcHealthChecks(static o =>
        {
            // Run checks when asked rather than serving a cached result up to 30 s old: the
            // self-preservation flag must show the moment eviction pauses.
            o.UseHealthChecksCache = false;
            o.Services.Clear();
            o.Services.Map(string.Empty, static r => r.Tags.Contains(StoreHealthCheck.Name));
            o.Services.Map(RegistryHealthServiceName, static r => r.Tags.Contains(StoreHealthCheck.Name));
            o.Services.Map(EvictionHealthServiceName, static r => r.Tags.Contains(SelfPreservationHealthCheck.Name));
        })
            .AddCheck<StoreHealthCheck>(StoreHealthCheck.Name, tags: [StoreHealthCheck.Name])
            .AddCheck<SelfPreservationHealthCheck>(SelfPreservationHealthCheck.Name, tags: [SelfPreservationHealthCheck.Name]);
        return services;
    }

    internal static RegistryOptions UnvalidatedOptions(IServiceProvider services)
    {
        var options = new RegistryOptions();
        foreach (var setup in services.GetServices<IConfigureOptions<RegistryOptions>>())
        {
            if (setup is IConfigureNamedOptions<RegistryOptions> named)
            {
                named.Configure(Microsoft.Extensions.Options.Options.DefaultName, options);
            }
            else
            {
                setup.Configure(options);
            }
        }

        foreach (var setup in services.GetServices<IPostConfigureOptions<RegistryOptions>>())
        {
            setup.PostConfigure(Microsoft.Extensions.Options.Options.DefaultName, options);
        }

        return options;
    }

    private sealed class RegistryMarker;
}
