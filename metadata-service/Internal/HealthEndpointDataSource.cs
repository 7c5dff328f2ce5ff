using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;

namespace Introspection.Provider.Internal;

/// <summary>
/// The grpc.health.v1 endpoints mapped by <c>MapIntrospectionMetadata</c>, withdrawn when the app
/// maps grpc.health.v1 itself (before or after): two identical routes would make every health call
/// fail as ambiguous. The app's mapping is served by the same health service, so it answers the
/// provider's service name too. Decided when routing reads the endpoints, i.e. after every
/// mapping is done, so the order of the two calls does not matter.
/// </summary>
internal sealed class HealthEndpointDataSource : EndpointDataSource
{
    private const string HealthService = "grpc.health.v1.Health";

    private readonly IEndpointRouteBuilder _outer;
    private readonly Builder _inner;

    private HealthEndpointDataSource(IEndpointRouteBuilder outer, Builder inner)
    {
        _outer = outer;
        _inner = inner;
    }

    public override IReadOnlyList<Endpoint> Endpoints
    {
        get
        {
            var mappedByApp = _outer.DataSources
                .Where(d => !ReferenceEquals(d, this))
                .SelectMany(static d => d.Endpoints)
                .Any(static e => string.Equals(e.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method.ServiceName, HealthService, StringComparison.Ordinal));
            return mappedByApp ? [] : [.. _inner.DataSources.SelectMany(static d => d.Endpoints)];
        }
    }

    public override IChangeToken GetChangeToken() => new CompositeChangeToken([.. _inner.DataSources.Select(static d => d.GetChangeToken())]);

    /// <summary>Maps grpc.health.v1 into a private builder and adds it to <paramref name="endpoints"/> through this source.</summary>
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var inner = new Builder(endpoints);
        inner.MapGrpcHealthChecksService();
        endpoints.DataSources.Add(new HealthEndpointDataSource(endpoints, inner));
    }

    private sealed class Builder(IEndpointRouteBuilder outer) : IEndpointRouteBuilder
    {
        public IServiceProvider ServiceProvider => outer.ServiceProvider;

        public ICollection<EndpointDataSource> DataSources { get; } = new List<EndpointDataSource>();

        public IApplicationBuilder CreateApplicationBuilder() => outer.CreateApplicationBuilder();
    }
}
