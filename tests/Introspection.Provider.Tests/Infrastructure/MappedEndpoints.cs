using Introspection.Provider.Tests.TestServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Introspection.Provider.Tests.Infrastructure;

/// <summary>The endpoints grpc-dotnet really creates for a set of mapped services (the app is built, never started).</summary>
internal static class MappedEndpoints
{
    public static async Task<IReadOnlyList<Endpoint>> BuildAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddGrpc();
        builder.Services.AddGrpcHealthChecks();
        builder.Services.AddIntrospectionProvider(o => o.App = "unit");
        await using var app = builder.Build();
        map(app);
        return ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).ToList();
    }

    public static Task<IReadOnlyList<Endpoint>> GreeterAndFarewellAsync() => BuildAsync(app =>
    {
        app.MapGrpcService<GreeterService>();
        app.MapGrpcService<FarewellService>();
        app.MapIntrospectionMetadata();
        app.MapGrpcHealthChecksService();
    });
}
