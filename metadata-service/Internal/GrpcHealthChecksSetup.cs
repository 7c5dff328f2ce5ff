using Grpc.AspNetCore.HealthChecks;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace Introspection.Provider.Internal;

/// <summary>
/// Maps grpc.health.v1 service <see cref="Microsoft.AspNetCore.Builder.IntrospectionMetadataEndpointRouteBuilderExtensions.HealthServiceName"/>
/// to <see cref="ServingHealthCheck"/> alone. A post-configure step, so it survives an app's own
/// <c>AddGrpcHealthChecks(o => o.Services.Clear())</c> whatever the registration order.
/// </summary>
internal sealed class GrpcHealthChecksSetup : IPostConfigureOptions<GrpcHealthChecksOptions>
{
    public void PostConfigure(string? name, GrpcHealthChecksOptions options)
    {
        options.Services.Map(IntrospectionMetadataEndpointRouteBuilderExtensions.HealthServiceName, static c => c.Name == ServingHealthCheck.Name);
    }
}
