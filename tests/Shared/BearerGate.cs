using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Introspection.Testing;

/// <summary>
/// A test-only gate in front of a server's gRPC endpoints: it records the <c>authorization</c> header of every gRPC
/// call and refuses a call whose bearer token is not currently accepted with UNAUTHENTICATED, as a server's
/// authentication would. It runs once per call, when the call starts, so a stream opened with a token stays open
/// after the token is revoked (as with real bearer authentication). grpc.health.v1 passes untouched.
/// </summary>
public sealed class BearerGate
{
    private readonly ConcurrentDictionary<string, bool> _accepted = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Path, string? Authorization)> _seen = new();

    /// <summary>The token the test's own seeding client sends; always accepted.</summary>
    public const string AdminToken = "test-admin-token";

    public BearerGate(params string[] accepted)
    {
        _accepted[AdminToken] = true;
        foreach (var token in accepted)
        {
            Accept(token);
        }
    }

    /// <summary>Every gRPC call seen: its path and its <c>authorization</c> header (null when absent), in order.</summary>
    public IReadOnlyList<(string Path, string? Authorization)> Seen => [.. _seen];

    /// <summary>The authorization headers seen on calls whose path contains <paramref name="method"/>, admin calls left out.</summary>
    public IReadOnlyList<string?> HeadersOf(string method) =>
        [.. _seen.Where(s => s.Path.Contains(method, StringComparison.Ordinal) && s.Authorization != "Bearer " + AdminToken).Select(s => s.Authorization)];

    public void Accept(string token) => _accepted[token] = true;

    public void Revoke(string token) => _accepted.TryRemove(token, out _);

    /// <summary>Adds the gate to <paramref name="app"/>'s pipeline (before its endpoints).</summary>
    public void Install(WebApplication app) => app.Use(async (context, next) =>
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (!string.Equals(context.Request.ContentType?.Split(';')[0], "application/grpc", StringComparison.OrdinalIgnoreCase)
            || path.StartsWith("/grpc.health.v1.", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        var header = context.Request.Headers.Authorization.ToString();
        _seen.Enqueue((path, header.Length == 0 ? null : header));
        const string Prefix = "Bearer ";
        if (!header.StartsWith(Prefix, StringComparison.Ordinal) || !_accepted.ContainsKey(header[Prefix.Length..]))
        {
            // A trailers-only gRPC response: status in the headers, no body.
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = "16";
            context.Response.Headers["grpc-message"] = header.Length == 0 ? "no bearer token" : "bearer token not accepted";
            return;
        }

        await next(context);
    });
}
