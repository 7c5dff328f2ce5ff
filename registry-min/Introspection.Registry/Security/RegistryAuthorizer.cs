using System.Security.Claims;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Internal;
using Introspection.Registry.Stores;
using Microsoft.AspNetCore.Authentication;

namespace Introspection.Registry.Security;

/// <summary>
/// The one place that decides who may call what on <c>introspection.registry.v1.Registry</c>: authenticates the
/// call (policy scheme: API key, JWT or client certificate), checks the grant the method needs for its namespace
/// and app, applies the per-principal write rate and watch-stream limits, maps ownership refusals of the store to
/// PERMISSION_DENIED, and audits every denial. grpc.health.v1 and reflection pass through anonymously (probes of
/// orchestrators carry no credentials; reflection describes only the public contract).
/// </summary>
internal sealed class RegistryAuthorizer(RegistryCredentials credentials, RegistryCallLimits limits, RegistryAudit audit, RegistryAuthMetrics metrics) : Interceptor
{
    private const string RegistryMethodPrefix = "/introspection.registry.v1.Registry/";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (!IsRegistryMethod(context))
        {
            return await continuation(request, context).ConfigureAwait(false);
        }

        var caller = await AuthenticateAsync(context).ConfigureAwait(false);
        var (needed, ns, app) = Requirement(request);
        Authorize(caller, context, needed, ns, app);
        if (needed == GrantLevel.Write)
        {
            LimitWrite(caller, context, ns);
        }

        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (RegistryOwnershipException ex)
        {
            throw Denied(caller, context, "not_owner", ex.Message);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (!IsRegistryMethod(context))
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
            return;
        }

        var caller = await AuthenticateAsync(context).ConfigureAwait(false);
        var (needed, ns, app) = Requirement(request);
        Authorize(caller, context, needed, ns, app);
        using var stream = limits.OpenWatch(caller);
        if (stream is null)
        {
            throw Exhausted(caller, context, nameof(RegistryLimitsOptions.MaxWatchStreamsPerPrincipal), limits.MaxWatchStreamsPerPrincipal, $"principal '{caller.Name}' has {limits.MaxWatchStreamsPerPrincipal} open Watch streams on this node");
        }

        await continuation(request, responseStream, context).ConfigureAwait(false);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (IsRegistryMethod(context))
        {
            // KeepAlive: authenticated once, at the stream's start (a token rotated later only matters for new
            // calls). Each renewal is authorized and ownership-checked in the service, per lease.
            await AuthenticateAsync(context).ConfigureAwait(false);
        }

        await continuation(requestStream, responseStream, context).ConfigureAwait(false);
    }

    /// <summary>
    /// Authenticates a plain HTTP request (the dashboard) exactly as a gRPC call is authenticated: same schemes, same
    /// grants, same anonymous rules, same audit. Returns the caller, or null and the reason to answer with 401.
    /// </summary>
    internal async Task<(RegistryCaller? Caller, string? Failure)> AuthenticateHttpAsync(HttpContext http, string what)
    {
        var remote = Remote(http);
        if (!credentials.IsAuthenticationConfigured)
        {
            // The dashboard's own rule (on by default only when every listen address is loopback) bounds who
            // reaches an anonymous registry's dashboard.
            return (new RegistryCaller(RegistryAuthenticationSchemes.Anonymous, RegistryAuthenticationSchemes.Anonymous, [], remote, isAnonymousRegistry: true), null);
        }

        var result = await http.AuthenticateAsync(RegistryAuthenticationSchemes.Policy).ConfigureAwait(false);
        if (result.Succeeded)
        {
            return (FromPrincipal(result.Principal, result.Ticket.AuthenticationScheme, remote), null);
        }

        if (result.None && credentials.AnonymousGrants.Count > 0)
        {
            return (new RegistryCaller(RegistryAuthenticationSchemes.Anonymous, RegistryAuthenticationSchemes.Anonymous, credentials.AnonymousGrants, remote), null);
        }

        var reason = result.None ? "no_credentials" : "invalid_credentials";
        audit.Unauthenticated(what, remote, reason);
        metrics.Denied(reason);
        return (null, result.None
            ? "No credentials: send 'Authorization: Bearer <API key or JWT>' or a TLS client certificate."
            : $"Credentials refused: {Describe(result.Failure)}.");
    }

    /// <summary>Authenticates the call and attaches the caller to it; UNAUTHENTICATED without (valid) credentials.</summary>
    private async Task<RegistryCaller> AuthenticateAsync(ServerCallContext context)
    {
        var http = context.GetHttpContext();
        var remote = Remote(http);
        if (!credentials.IsAuthenticationConfigured)
        {
            // The secure default, per call as well as at startup: an anonymous registry answers only on loopback
            // unless anonymous access was switched on (covers the moment between binding and the startup check).
            if (!credentials.AllowAnonymous && http.Connection.LocalIpAddress is { } local && !System.Net.IPAddress.IsLoopback(local.IsIPv4MappedToIPv6 ? local.MapToIPv4() : local))
            {
                throw Unauthenticated(context, remote, "no_auth_configured", SecureDefaultsCheck.Message);
            }

            var anonymous = new RegistryCaller(RegistryAuthenticationSchemes.Anonymous, RegistryAuthenticationSchemes.Anonymous, [], remote, isAnonymousRegistry: true);
            anonymous.AttachTo(context);
            return anonymous;
        }

        var result = await http.AuthenticateAsync(RegistryAuthenticationSchemes.Policy).ConfigureAwait(false);
        RegistryCaller caller;
        if (result.Succeeded)
        {
            caller = FromPrincipal(result.Principal, result.Ticket.AuthenticationScheme, remote);
        }
        else if (result.None && credentials.AnonymousGrants.Count > 0)
        {
            caller = new RegistryCaller(RegistryAuthenticationSchemes.Anonymous, RegistryAuthenticationSchemes.Anonymous, credentials.AnonymousGrants, remote);
        }
        else if (result.None)
        {
            throw Unauthenticated(context, remote, "no_credentials", "No credentials: send 'authorization: Bearer <API key or JWT>' metadata or a TLS client certificate.");
        }
        else
        {
            throw Unauthenticated(context, remote, "invalid_credentials", $"Credentials refused: {Describe(result.Failure)}.");
        }

        caller.AttachTo(context);
        return caller;
    }

    private RegistryCaller FromPrincipal(ClaimsPrincipal principal, string scheme, string remote)
    {
        if (scheme == RegistryAuthenticationSchemes.Jwt)
        {
            var jwt = credentials.Jwt;
            var name = principal.FindFirst(jwt.NameClaim)?.Value ?? "(unnamed)";
            var texts = principal.FindAll(jwt.GrantsClaim).SelectMany(static c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            return new RegistryCaller(name, scheme, RegistryCredentials.ParseGrants(texts), remote);
        }

        var own = principal.FindFirst(RegistryAuthenticationSchemes.NameClaim)?.Value ?? "(unnamed)";
        var grants = RegistryCredentials.ParseGrants(principal.FindAll(RegistryAuthenticationSchemes.GrantClaim).Select(static c => c.Value));
        return new RegistryCaller(own, scheme, grants, remote);
    }

    private void Authorize(RegistryCaller caller, ServerCallContext context, GrantLevel needed, string ns, string? app)
    {
        if (!caller.Allows(needed, ns, app))
        {
            var missing = RegistryCaller.Missing(needed, ns, app);
            throw Denied(caller, context, "missing_grant", $"Principal '{caller.Name}' lacks grant '{missing}' for {MethodName(context)}.");
        }
    }

    private void LimitWrite(RegistryCaller caller, ServerCallContext context, string ns)
    {
        if (limits.TryAcquireWrite(caller, ns) is { } refused)
        {
            throw Exhausted(caller, context, refused.Limit, refused.Rate, refused.What);
        }
    }

    /// <summary>Which grant a request needs, in which (canonical) namespace, for which app.</summary>
    private static (GrantLevel Needed, string Namespace, string? App) Requirement<TRequest>(TRequest request) => request switch
    {
        RegisterRequest r => (GrantLevel.Write, RequestValidator.Namespace(r.Namespace), r.Instance?.App ?? string.Empty),
        UpdateInstanceRequest r => (GrantLevel.Write, RequestValidator.Namespace(r.Namespace), r.App),
        DeregisterRequest r => (GrantLevel.Write, RequestValidator.Namespace(r.Namespace), r.App),
        MapServiceRequest r => (GrantLevel.Write, RequestValidator.Namespace(r.Namespace), r.App),
        ListAppsRequest r => (GrantLevel.Read, RequestValidator.Namespace(r.Namespace), null),
        ListInstancesRequest r => (GrantLevel.Read, RequestValidator.Namespace(r.Namespace), null),
        LookupServiceRequest r => (GrantLevel.Read, RequestValidator.Namespace(r.Namespace), null),
        WatchRequest r => (GrantLevel.Read, RequestValidator.Namespace(r.Namespace), null),
        // A method this authorizer does not know needs admin of every namespace: fail closed.
        _ => (GrantLevel.Admin, "*", null),
    };

    private RpcException Unauthenticated(ServerCallContext context, string remote, string reason, string message)
    {
        audit.Unauthenticated(MethodName(context), remote, reason);
        metrics.Denied(reason);
        return new RpcException(new Status(StatusCode.Unauthenticated, message));
    }

    private RpcException Denied(RegistryCaller caller, ServerCallContext context, string reason, string message)
    {
        audit.Denied(caller, MethodName(context), reason, message);
        metrics.Denied(reason);
        return new RpcException(new Status(StatusCode.PermissionDenied, message));
    }

    private RpcException Exhausted(RegistryCaller caller, ServerCallContext context, string limit, double max, string what)
    {
        var message = FormattableString.Invariant($"Limit {RegistryOptions.SectionName}:Limits:{limit} ({max}) reached: {what}.");
        audit.Denied(caller, MethodName(context), "limit", message);
        metrics.Denied("limit");
        return new RpcException(new Status(StatusCode.ResourceExhausted, message));
    }

    private static string Describe(Exception? failure) => failure switch
    {
        // Exception messages of the token handlers may quote token content; only the kind of failure is told.
        Microsoft.IdentityModel.Tokens.SecurityTokenExpiredException => "the token has expired",
        Microsoft.IdentityModel.Tokens.SecurityTokenNotYetValidException => "the token is not valid yet",
        Microsoft.IdentityModel.Tokens.SecurityTokenSignatureKeyNotFoundException or Microsoft.IdentityModel.Tokens.SecurityTokenInvalidSignatureException => "the token's signature is not from a trusted key",
        Microsoft.IdentityModel.Tokens.SecurityTokenInvalidAudienceException => "the token is for another audience",
        Microsoft.IdentityModel.Tokens.SecurityTokenInvalidIssuerException => "the token is from another issuer",
        Microsoft.IdentityModel.Tokens.SecurityTokenException => "the token is not valid",
        null => "unknown reason",
        _ => failure.Message,
    };

    private static bool IsRegistryMethod(ServerCallContext context) => context.Method.StartsWith(RegistryMethodPrefix, StringComparison.Ordinal);

    private static string MethodName(ServerCallContext context) => context.Method.StartsWith(RegistryMethodPrefix, StringComparison.Ordinal) ? context.Method[RegistryMethodPrefix.Length..] : context.Method;

    private static string Remote(HttpContext http) => http.Connection.RemoteIpAddress is { } ip
        ? new System.Net.IPEndPoint(ip, http.Connection.RemotePort).ToString()
        : "unknown";
}
