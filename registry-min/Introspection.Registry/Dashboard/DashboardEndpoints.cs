using System.Globalization;
using System.Text;
using System.Text.Json;
using Introspection.Registry.Dashboard.Models;
using Introspection.Registry.Stores;
using Microsoft.AspNetCore.Http.Features;

namespace Introspection.Registry.Dashboard;

/// <summary>The dashboard's HTTP handlers: the page and its assets, the JSON API and the live feed (server-sent events).</summary>
/// <remarks>
/// Server-sent events rather than WebSocket or gRPC-Web: the feed is one-way (registry → page), SSE is plain HTTP
/// that passes proxies and authentication middleware like any GET, the browser reconnects by itself, and it needs
/// no client library. A change rings the page, which re-reads the namespace's state: the page never has to apply
/// deltas in order, so a missed message can never leave it wrong.
/// </remarks>
internal static class DashboardEndpoints
{
    /// <summary>
    /// No inline script or style, nothing from another origin, no framing: together with textContent-only rendering
    /// a label containing markup stays text even if an escaping mistake slipped in.
    /// </summary>
    internal const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    internal static readonly TimeSpan StatsInterval = TimeSpan.FromSeconds(2);

    public static void Map(RouteGroupBuilder group)
    {
        group.AddEndpointFilter(static async (context, next) =>
        {
            var http = context.HttpContext;
            if (!http.RequestServices.GetRequiredService<DashboardActivation>().IsEnabled)
            {
                return Results.NotFound();
            }

            // The registry's own authentication (API keys, JWT, client certificates) and read grants, as for gRPC reads.
            var (caller, failure) = await http.RequestServices.GetRequiredService<Security.RegistryAuthorizer>()
                .AuthenticateHttpAsync(http, "Dashboard").ConfigureAwait(false);
            if (caller is null)
            {
                return Results.Text(failure, statusCode: StatusCodes.Status401Unauthorized);
            }

            http.User = new System.Security.Claims.ClaimsPrincipal(new DashboardCallerIdentity(caller));
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-store";
            return await next(context).ConfigureAwait(false);
        });

        // Routing matches "/dashboard" and "/dashboard/" alike; the page's relative asset and API links need the slash.
        group.MapGet("/", static (HttpContext context) => context.Request.Path.Value?.EndsWith('/') == true
            ? Asset("index.html")
            : Results.Redirect(context.Request.PathBase + context.Request.Path + "/"));
        group.MapGet("/assets/{name}", static (string name) => Asset(name));
        group.MapGet("/api/namespaces", static (HttpContext context, DashboardDataAccess data) =>
            Results.Json(new DashboardNamespaces(data.ListNamespaces(context.User)), DashboardJsonContext.Default.DashboardNamespaces));
        group.MapGet("/api/state", GetStateAsync);
        group.MapGet("/api/metadata", GetMetadataAsync);
        group.MapGet("/api/events", StreamEventsAsync);
    }

    private static IResult Asset(string name) =>
        DashboardAssets.TryGet(name, out var content, out var contentType) ? Results.Bytes(content, contentType) : Results.NotFound();

    private static IResult Error(int status, string message) =>
        Results.Json(new DashboardError(message), DashboardJsonContext.Default.DashboardError, statusCode: status);

    private static async Task<IResult> GetStateAsync(HttpContext context, DashboardDataAccess data, string? ns)
    {
        if (!DashboardDataAccess.TryCanonicalNamespace(ns, out var canonical, out var error))
        {
            return Error(StatusCodes.Status400BadRequest, error);
        }

        try
        {
            var state = await data.GetStateAsync(context.User, canonical, context.RequestAborted).ConfigureAwait(false);
            return Results.Json(state, DashboardJsonContext.Default.DashboardState);
        }
        catch (DashboardAccessDeniedException ex)
        {
            return Error(StatusCodes.Status403Forbidden, ex.Message);
        }
        catch (RegistryStoreUnavailableException)
        {
            return Error(StatusCodes.Status503ServiceUnavailable, "The registry's store is unavailable.");
        }
    }

    private static async Task<IResult> GetMetadataAsync(HttpContext context, DashboardDataAccess data, string? ns, string? app, string? instance)
    {
        if (!DashboardDataAccess.TryCanonicalNamespace(ns, out var canonical, out var error)
            || !Protocol.WireContract.TryValidateApp("app", app, out error)
            || !Protocol.WireContract.TryValidateInstanceId("instance", instance, out error))
        {
            return Error(StatusCodes.Status400BadRequest, error);
        }

        try
        {
            var metadata = await data.GetInstanceMetadataAsync(context.User, canonical, app!, instance!, context.RequestAborted).ConfigureAwait(false);
            return metadata is null
                ? Error(StatusCodes.Status404NotFound, $"No instance '{instance}' of app '{app}' in namespace '{canonical}'.")
                : Results.Json(metadata, DashboardJsonContext.Default.DashboardMetadata);
        }
        catch (DashboardAccessDeniedException ex)
        {
            return Error(StatusCodes.Status403Forbidden, ex.Message);
        }
        catch (RegistryStoreUnavailableException)
        {
            return Error(StatusCodes.Status503ServiceUnavailable, "The registry's store is unavailable.");
        }
        catch (Exception ex) when (DashboardMetadataClient.IsInstanceFailure(ex) && !context.RequestAborted.IsCancellationRequested)
        {
            return Error(StatusCodes.Status502BadGateway, $"The instance did not serve its metadata: {(ex is Grpc.Core.RpcException rpc ? rpc.Status.StatusCode + " " + rpc.Status.Detail : ex.Message)}");
        }
    }

    private static async Task<IResult> StreamEventsAsync(HttpContext context, DashboardDataAccess data, IHostApplicationLifetime lifetime, TimeProvider timeProvider, string? ns)
    {
        if (!DashboardDataAccess.TryCanonicalNamespace(ns, out var canonical, out var error))
        {
            return Error(StatusCodes.Status400BadRequest, error);
        }

        DashboardSubscription subscription;
        try
        {
            subscription = data.Subscribe(context.User, canonical);
        }
        catch (DashboardAccessDeniedException ex)
        {
            return Error(StatusCodes.Status403Forbidden, ex.Message);
        }

        using (subscription)
        {
            // Ends with the request or with the registry: a stopping registry must not wait for open pages.
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
            var ct = stopping.Token;
            var response = context.Response;
            response.ContentType = "text/event-stream; charset=utf-8";
            response.Headers.CacheControl = "no-store";
            response.Headers["X-Accel-Buffering"] = "no";
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            try
            {
                // The browser retries after 1 s when the stream drops; "hello" lets it know the stream is live.
                await WriteAsync(response, "retry: 1000\n\nevent: hello\ndata: {}\n\n", ct).ConfigureAwait(false);
                Task<bool>? pending = null;
                while (!ct.IsCancellationRequested)
                {
                    pending ??= subscription.Changes.WaitToReadAsync(ct).AsTask();
                    using var tick = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    var delay = Task.Delay(StatsInterval, timeProvider, tick.Token);
                    if (await Task.WhenAny(pending, delay).ConfigureAwait(false) == pending)
                    {
                        await tick.CancelAsync().ConfigureAwait(false);
                        if (!await pending.ConfigureAwait(false))
                        {
                            break;
                        }

                        pending = null;
                        if (subscription.Changes.TryRead(out var revision))
                        {
                            await WriteAsync(response, "event: change\ndata: " + revision.ToString(CultureInfo.InvariantCulture) + "\n\n", ct).ConfigureAwait(false);
                        }
                    }
                    else
                    {
                        var stats = JsonSerializer.Serialize(data.GetRegistryState(), DashboardJsonContext.Default.DashboardRegistryState);
                        await WriteAsync(response, "event: stats\ndata: " + stats + "\n\n", ct).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
            catch (IOException) when (context.RequestAborted.IsCancellationRequested)
            {
            }
        }

        return Results.Empty;
    }

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
