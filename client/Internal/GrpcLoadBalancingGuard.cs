namespace Introspection.Client.Internal;

/// <summary>
/// Keeps grpc-dotnet's client-side load balancing on for <c>introspect:///</c> channels in an app that also uses
/// Microsoft.Extensions.ServiceDiscovery. Its <c>AddServiceDiscovery()</c> on an HttpClient builder (also through
/// <c>ConfigureHttpClientDefaults(b =&gt; b.AddServiceDiscovery())</c>, which reaches every gRPC client's handler)
/// adds a handler filter that marks the primary <see cref="SocketsHttpHandler"/> with
/// <c>__GrpcLoadBalancingDisabled</c>; grpc-dotnet then treats the handler as custom and refuses any address whose
/// scheme needs a resolver ("Channel is configured with an HTTP transport doesn't support client-side load
/// balancing"). A filter always runs after every handler-builder action, so the mark cannot be prevented; it is
/// cleared here, on the channel options, which grpc-dotnet applies after building the handler and before creating
/// the channel. Only for introspect channels: ME.SD's own clients keep the mark it wants.
/// </summary>
internal static class GrpcLoadBalancingGuard
{
    /// <summary>The <see cref="SocketsHttpHandler.Properties"/> key grpc-dotnet reads (GrpcChannel.CalculateHandlerContext).</summary>
    internal const string DisabledPropertyKey = "__GrpcLoadBalancingDisabled";

    /// <summary>Clears the mark on the primary handler under <paramref name="handler"/>; returns true when there was one.</summary>
    public static bool KeepEnabled(HttpMessageHandler? handler)
    {
        // Walk the delegating chain (logging, ME.SD's resolving handler, ...) down to the primary handler.
        for (var depth = 0; handler is DelegatingHandler delegating && depth < 64; depth++)
        {
            handler = delegating.InnerHandler;
        }

        if (handler is SocketsHttpHandler sockets && sockets.Properties.Remove(DisabledPropertyKey))
        {
            return true;
        }

        return false;
    }
}
