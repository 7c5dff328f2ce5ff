using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Gateway;

/// <summary>
/// Retries a request on another destination when its destination failed at the transport (connection refused or
/// reset before any response byte: a provider that just died), and marks that destination unhealthy so the next
/// requests skip it until the registry removes it (its lease lapses). YARP has no retry of its own. Only requests
/// that are safe to send twice are retried: GET, HEAD, OPTIONS without a body, and only while nothing of the
/// response has been sent to the client.
/// </summary>
internal sealed partial class GatewayRetry(IDestinationHealthUpdater health, IOptions<GatewayRetryOptions> options, ILogger<GatewayRetry> logger)
{
    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var settings = options.Value;
        var retryable = settings.MaxAttempts > 1 && IsReplayable(context.Request);
        var proxy = context.GetReverseProxyFeature();
        for (var attempt = 1; ; attempt++)
        {
            // Load balancing narrows AvailableDestinations to the one it picked: keep the list it picked from.
            var candidates = proxy.AvailableDestinations;
            await next().ConfigureAwait(false);
            var error = context.GetForwarderErrorFeature();
            if (error is null || !retryable || attempt >= settings.MaxAttempts || context.Response.HasStarted
                || error.Error is not (ForwarderError.Request or ForwarderError.ResponseHeaders))
            {
                return;
            }

            var failed = proxy.ProxiedDestination;
            if (failed is not null)
            {
                health.SetPassive(context.GetRouteModel().Cluster!, failed, DestinationHealth.Unhealthy, settings.ReactivationPeriod);
            }

            proxy.AvailableDestinations = candidates.Where(d => !ReferenceEquals(d, failed)).ToArray();

            if (proxy.AvailableDestinations.Count == 0)
            {
                return;
            }

            Log.Retrying(logger, context.Request.Path, failed?.DestinationId ?? "?", attempt + 1, error.Error);
            context.Features.Set<IForwarderErrorFeature>(null);
            context.Response.StatusCode = StatusCodes.Status200OK;
        }
    }

    private static bool IsReplayable(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        && request.ContentLength is null or 0
        && !request.Headers.ContainsKey("Transfer-Encoding");

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, EventName = "Retrying", Level = LogLevel.Information, Message = "{Path}: destination {Destination} failed ({Error}); attempt {Attempt} on another.")]
        public static partial void Retrying(ILogger logger, string path, string destination, int attempt, ForwarderError error);
    }
}
