using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Introspection.Wire;

/// <summary>
/// The endpoint convention that puts <see cref="FrameCheckingPipeReader"/> under a gRPC service's
/// calls and logs their malformed requests through <see cref="WireErrorLog"/> (rate-limited, no stack
/// trace). Per endpoint rather than a middleware, so only the mapped services are affected and an
/// embedding app's pipeline is left alone. Protobuf parse failures come from <see cref="MalformedMessageBinder"/>.
/// </summary>
internal static class WireGuard
{
    private const string EncodingHeader = "grpc-encoding";

    public static TBuilder Protect<TBuilder>(TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(static endpoint =>
        {
            if (endpoint.RequestDelegate is { } next)
            {
                endpoint.RequestDelegate = context => InvokeAsync(context, next);
            }
        });
        return builder;
    }

    private static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var scope = new WireFailureScope();
        WireFailureScope.Current = scope;
        if (context.Features.Get<IRequestBodyPipeFeature>() is { } body)
        {
            var encoding = context.Request.Headers[EncodingHeader].ToString();
            context.Features.Set<IRequestBodyPipeFeature>(new CheckedRequestBody(new FrameCheckingPipeReader(body.Reader, encoding.Length == 0 ? null : encoding)));
        }

        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            WireFailureScope.Current = null;
        }

        if (scope.Failure is { } failure)
        {
            context.RequestServices.GetService<WireErrorLog>()?.Report(context.Request.Path.Value ?? string.Empty, failure);
        }
    }
}
