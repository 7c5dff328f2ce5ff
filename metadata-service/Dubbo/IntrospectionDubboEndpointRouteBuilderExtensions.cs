using Introspection.Provider.Dubbo;
using Introspection.Provider.Internal;
using Introspection.Wire;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps Apache Dubbo 3.3's <c>MetadataServiceV2</c> on a provider.</summary>
public static class IntrospectionDubboEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>org.apache.dubbo.metadata.MetadataServiceV2</c> (Triple = gRPC) on the app's gRPC port, answering from
    /// the same revisions as our MetadataService. Requires <c>AddIntrospectionProvider</c>. With
    /// <c>Introspection:Provider:Dubbo:Enabled</c>, <c>MapIntrospectionMetadata()</c> maps it too; call this method
    /// first (before <c>MapIntrospectionMetadata()</c>) to get its own builder, e.g. for <c>RequireAuthorization</c>.
    /// The metadata holds no secrets, but it lists every service of the app: give it the protection the app's
    /// MetadataService has.
    /// </summary>
    public static GrpcServiceEndpointConventionBuilder MapIntrospectionDubboMetadata(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService(typeof(ProviderMetadata)) is null)
        {
            throw new InvalidOperationException("Call builder.Services.AddIntrospectionProvider() before app.MapIntrospectionDubboMetadata().");
        }

        var marker = endpoints.ServiceProvider.GetRequiredService<DubboMetadataMapped>();
        if (!marker.TryMark())
        {
            throw new InvalidOperationException("MetadataServiceV2 is already mapped (MapIntrospectionMetadata maps it when Dubbo:Enabled is set): call MapIntrospectionDubboMetadata() before MapIntrospectionMetadata(), once.");
        }

        return WireGuard.Protect(endpoints.MapGrpcService<DubboMetadataGrpcService>());
    }

    /// <summary>The hook of <c>MapIntrospectionMetadata</c>: maps MetadataServiceV2 when enabled and not mapped yet.</summary>
    internal static void MapIfEnabled(IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<Introspection.Provider.IntrospectionProviderOptions>>().Value;
        var marker = endpoints.ServiceProvider.GetRequiredService<DubboMetadataMapped>();
        if (options.Dubbo.Enabled && marker.TryMark())
        {
            WireGuard.Protect(endpoints.MapGrpcService<DubboMetadataGrpcService>());
        }
    }
}
