using Introspection.Registry;
using Introspection.Registry.Dashboard;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Introspection registry's operator dashboard.</summary>
public static class DashboardEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the dashboard (a page, its assets, a JSON API and a server-sent-events feed) under
    /// <c>Introspection:Registry:Dashboard:Path</c> (default <c>/dashboard</c>). It answers only while
    /// <c>Introspection:Registry:Dashboard:Enabled</c> allows (default: when every listen address is loopback).
    /// Needs <c>AddIntrospectionRegistry()</c>. Browsers speak HTTP/1.1 or HTTP/2 over TLS: serve it on an https
    /// endpoint with <c>Http1AndHttp2</c>, or a cleartext endpoint with <c>Http1</c> beside the h2c gRPC one.
    /// </summary>
    /// <returns>The route group, so the host can add <c>RequireAuthorization()</c> or other conventions.</returns>
    public static RouteGroupBuilder MapIntrospectionDashboard(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        // Unvalidated on purpose: validation belongs to StartAsync (ValidateOnStart), not to mapping.
        var path = Microsoft.Extensions.DependencyInjection.RegistryServiceCollectionExtensions.UnvalidatedOptions(endpoints.ServiceProvider).Dashboard.Path;
        var group = endpoints.MapGroup(string.IsNullOrEmpty(path) ? "/dashboard" : path);
        DashboardEndpoints.Map(group);
        return group;
    }
}
