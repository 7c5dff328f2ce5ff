using Introspection.Metadata.Internal;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the provider's MetadataService and its grpc.health.v1 endpoint.</summary>
public static class IntrospectionMetadataEndpointRouteBuilderExtensions
{
    /// <summary>
    /// The grpc.health.v1 service name that answers SERVING while the instance serves and
    /// NOT_SERVING once its graceful shutdown (or a failed startup) begins. A registry with
    /// <c>Registry:Leases:Probe:Enabled</c> checks it before evicting a lapsed lease. It does not
    /// depend on the registrations: failing renewals are exactly when the registry asks.
    /// </summary>
    public const string HealthServiceName = "introspection.metadata.v1.MetadataService";

    // Above the default 0: when the app maps grpc.health.v1 itself, its endpoints win the route and
    // ours stay unused instead of making every health call ambiguous. Both are served by the same
    // health service, which knows HealthServiceName either way.
    private const int HealthEndpointOrder = 1000;

    /// <summary>
    /// Maps <c>introspection.metadata.v1.MetadataService</c> and grpc.health.v1 on the app's gRPC
    /// port. Requires <c>AddIntrospectionProvider</c>. The metadata service itself is not listed in
    /// the metadata. An app may call <c>MapGrpcHealthChecksService()</c> as well (before or after):
    /// its mapping takes precedence and answers the same.
    /// </summary>
    public static GrpcServiceEndpointConventionBuilder MapIntrospectionMetadata(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService(typeof(ProviderMetadata)) is null)
        {
            throw new InvalidOperationException("Call builder.Services.AddIntrospectionProvider() before app.MapIntrospectionMetadata().");
        }

        endpoints.MapGrpcHealthChecksService().Add(static b =>
        {
            if (b is RouteEndpointBuilder route)
            {
                route.Order = HealthEndpointOrder;
            }
        });
        return endpoints.MapGrpcService<MetadataGrpcService>();
    }
}
