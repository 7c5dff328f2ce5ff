using Introspection.Metadata.Internal;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the provider's MetadataService.</summary>
public static class IntrospectionMetadataEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>introspection.metadata.v1.MetadataService</c> on the app's gRPC port. Requires
    /// <c>AddIntrospectionProvider</c>. The metadata service itself is not listed in the metadata.
    /// </summary>
    public static GrpcServiceEndpointConventionBuilder MapIntrospectionMetadata(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService(typeof(ProviderMetadata)) is null)
        {
            throw new InvalidOperationException("Call builder.Services.AddIntrospectionProvider() before app.MapIntrospectionMetadata().");
        }

        return endpoints.MapGrpcService<MetadataGrpcService>();
    }
}
