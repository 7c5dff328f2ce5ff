using Microsoft.AspNetCore.Http;

namespace Introspection.Provider.Internal;

/// <summary>
/// Counts gRPC calls in flight and, once the instance drains, answers new ones with UNAVAILABLE
/// (a trailers-only response) while Kestrel keeps running: the caller's retry policy or load
/// balancer sends the call to another instance instead of seeing a connection error.
/// </summary>
internal sealed class DrainMiddleware
{
    private const string HealthServicePrefix = "/grpc.health.v1.Health/";

    private readonly RequestDelegate _next;
    private readonly ProviderDrain _drain;

    public DrainMiddleware(RequestDelegate next, ProviderDrain drain)
    {
        _next = next;
        _drain = drain;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var contentType = context.Request.ContentType;
        if (contentType is null || !contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase))
        {
            return _next(context);
        }

        // Health probes keep working so the orchestrator sees the state of a draining instance.
        if (context.Request.Path.StartsWithSegments(HealthServicePrefix.TrimEnd('/'), StringComparison.Ordinal))
        {
            return _next(context);
        }

        if (!_drain.TryEnterCall())
        {
            return RefuseAsync(context);
        }

        return InvokeCountedAsync(context);
    }

    private async Task InvokeCountedAsync(HttpContext context)
    {
        try
        {
            await _next(context).ConfigureAwait(false);
        }
        finally
        {
            _drain.ExitCall();
        }
    }

    private static Task RefuseAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = "14";
        response.Headers["grpc-message"] = "The instance is shutting down; retry on another instance.";
        return Task.CompletedTask;
    }
}
