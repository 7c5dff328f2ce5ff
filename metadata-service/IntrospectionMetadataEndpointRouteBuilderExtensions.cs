using Introspection.Provider.Internal;
using Introspection.Wire;
using Introspection.Provider;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the provider's MetadataService and its grpc.health.v1 endpoint.</summary>
public static class IntrospectionMetadataEndpointRouteBuilderExtensions
{
    /// <summary>
    /// The grpc.health.v1 service name that answers SERVING while the instance serves and
    /// NOT_SERVING once its graceful shutdown (or a failed startup) begins. A registry with
    /// <c>Introspection:Registry:Leases:Probe:Enabled</c> checks it before evicting a lapsed lease. It does not
    /// depend on the registrations: failing renewals are exactly when the registry asks.
    /// </summary>
    public const string HealthServiceName = "introspection.metadata.v1.MetadataService";

    /// <summary>
    /// Maps <c>introspection.metadata.v1.MetadataService</c> and grpc.health.v1 on the app's gRPC
    /// port. Requires <c>AddIntrospectionProvider</c>. The metadata service itself is not listed in
    /// the metadata. An app may call <c>MapGrpcHealthChecksService()</c> as well (before or after):
    /// then only its mapping is kept, and it answers the same.
    /// </summary>
    /// <returns>
    /// The MetadataService endpoint's convention builder: <c>.RequireAuthorization(...)</c> on it protects the
    /// metadata (as <see cref="Introspection.Provider.IntrospectionMetadataEndpointOptions.RequireAuthorization"/>
    /// does from configuration); the health endpoint stays anonymous for the registry's probe.
    /// </returns>
    public static GrpcServiceEndpointConventionBuilder MapIntrospectionMetadata(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService(typeof(ProviderMetadata)) is null)
        {
            throw new InvalidOperationException("Call builder.Services.AddIntrospectionProvider() before app.MapIntrospectionMetadata().");
        }

        HealthEndpointDataSource.Map(endpoints);
        // Dubbo 3.3's MetadataServiceV2 beside ours when Introspection:Provider:Dubbo:Enabled (metadata-service/Dubbo/).
        IntrospectionDubboEndpointRouteBuilderExtensions.MapIfEnabled(endpoints);
        // Malformed requests answer a clear status and are logged rate-limited (shared/Wire).
        var builder = WireGuard.Protect(endpoints.MapGrpcService<MetadataGrpcService>());
        var access = (endpoints.ServiceProvider.GetService(typeof(IOptions<IntrospectionProviderOptions>)) as IOptions<IntrospectionProviderOptions>)?.Value.Metadata;
        if (access is { AuthorizationPolicy: { Length: > 0 } policy })
        {
            builder.RequireAuthorization(policy);
        }
        else if (access is { RequireAuthorization: true })
        {
            builder.RequireAuthorization();
        }

        return builder;
    }
}
