using Introspection.Registry.Services;
using Introspection.Wire;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Introspection registry's gRPC endpoints.</summary>
public static class RegistryEndpointRouteBuilderExtensions
{
    /// <summary>Maps <c>introspection.registry.v1.Registry</c>, grpc.health.v1 and gRPC server reflection.</summary>
    public static IEndpointRouteBuilder MapIntrospectionRegistry(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        // Malformed requests answer INVALID_ARGUMENT/INTERNAL/RESOURCE_EXHAUSTED, logged rate-limited
        // (shared/Wire); RegistryServiceBinding does the protobuf half.
        WireGuard.Protect(endpoints.MapGrpcService<RegistryService>());
        endpoints.MapGrpcHealthChecksService();
        endpoints.MapGrpcReflectionService();
        return endpoints;
    }
}
