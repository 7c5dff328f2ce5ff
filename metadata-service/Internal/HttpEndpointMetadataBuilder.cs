using Grpc.AspNetCore.Server;
using Introspection.Protocol.Metadata.V1;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Introspection.Provider.Internal;

/// <summary>
/// Lists the app's HTTP endpoints (minimal APIs, controllers, Razor pages: every <see cref="RouteEndpoint"/>) in its
/// metadata, when <see cref="IntrospectionProviderOptions.DescribeHttpEndpoints"/> is on: route template and HTTP
/// methods, as the endpoint data source holds them. gRPC methods are already services, and grpc-dotnet's catch-all
/// "unimplemented" routes serve nobody. Sorted, so the metadata reads the same on every instance (the revision
/// does not depend on order anyway: REVISION.md section 13).
/// </summary>
internal static class HttpEndpointMetadataBuilder
{
    public static void AddTo(MetadataInfo info, IEnumerable<Endpoint> endpoints)
    {
        var routes = new SortedDictionary<string, SortedSet<string>?>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints)
        {
            if (endpoint is not RouteEndpoint { RoutePattern.RawText: { } raw }
                || endpoint.Metadata.GetMetadata<GrpcMethodMetadata>() is not null
                || raw.Contains("grpcunimplemented", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var route = raw.StartsWith('/') ? raw : "/" + raw;
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
            if (!routes.TryGetValue(route, out var known))
            {
                known = methods is { Count: > 0 } ? new SortedSet<string>(StringComparer.Ordinal) : null;
                routes.Add(route, known);
            }
            else if (known is not null && methods is not { Count: > 0 })
            {
                // One endpoint of the route answers any method: so does the route.
                routes[route] = known = null;
            }

            if (known is not null && methods is not null)
            {
                foreach (var method in methods)
                {
                    known.Add(method.ToUpperInvariant());
                }
            }
        }

        foreach (var (route, methods) in routes)
        {
            var described = new HttpEndpointInfo { Route = route };
            if (methods is not null)
            {
                described.Methods.Add(methods);
            }

            info.HttpEndpoints.Add(described);
        }
    }
}
