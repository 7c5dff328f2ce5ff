using System.Diagnostics.CodeAnalysis;
using Introspection.Protocol;

namespace Introspection.Client;

/// <summary>
/// What an HTTP caller asks to resolve: the instances of one app, optionally only those whose metadata says they
/// serve an HTTP route (and method). Used by <see cref="IntrospectionClient.ResolveAppAsync"/> and
/// <see cref="IntrospectionClient.SubscribeApp"/>; the Microsoft.Extensions.ServiceDiscovery provider resolves
/// <c>http://app</c> through it.
/// </summary>
public sealed record AppTarget
{
    /// <summary>Creates a target, validating every part.</summary>
    /// <param name="app">The app name, as registered.</param>
    /// <param name="httpRoute">
    /// Only instances serving this route: a route template exactly as the provider maps it (<c>/weather/{city}</c>)
    /// or a request path it matches (<c>/weather/paris</c>); null: every instance of the app.
    /// </param>
    /// <param name="httpMethod">With <paramref name="httpRoute"/>: only endpoints answering this method (<c>GET</c>); null: any.</param>
    /// <exception cref="ArgumentException">A part is malformed; the message names it.</exception>
    public AppTarget(string app, string? httpRoute = null, string? httpMethod = null)
    {
        if (Validate(app, httpRoute, httpMethod) is { } error)
        {
            throw new ArgumentException(error, nameof(app));
        }

        App = app;
        HttpRoute = string.IsNullOrEmpty(httpRoute) ? null : httpRoute;
        HttpMethod = string.IsNullOrEmpty(httpMethod) ? null : httpMethod.ToUpperInvariant();
    }

    /// <summary>The app whose instances are resolved.</summary>
    public string App { get; }

    /// <summary>Only instances serving this HTTP route or path; <c>null</c>: every instance.</summary>
    public string? HttpRoute { get; }

    /// <summary>Only endpoints answering this HTTP method (upper case); <c>null</c>: any method.</summary>
    public string? HttpMethod { get; }

    /// <summary>True when <paramref name="app"/> is a valid app name (the wire contract's charset and length).</summary>
    public static bool IsValidApp([NotNullWhen(true)] string? app) => app is { Length: > 0 } && Validate(app, null, null) is null;

    /// <inheritdoc />
    public override string ToString() =>
        HttpRoute is null ? $"app '{App}'" : HttpMethod is null ? $"app '{App}' route '{HttpRoute}'" : $"app '{App}' {HttpMethod} '{HttpRoute}'";

    private static string? Validate(string? app, string? route, string? method)
    {
        if (string.IsNullOrEmpty(app))
        {
            return "the app name is missing.";
        }

        if (app.Length > WireContract.MaxAppBytes)
        {
            return $"the app name is longer than {WireContract.MaxAppBytes} characters.";
        }

        foreach (var c in app)
        {
            if (!WireContract.IsNameChar(c))
            {
                return $"the app name '{app}' contains '{c}'; app names use {WireContract.NameCharset}.";
            }
        }

        if (!string.IsNullOrEmpty(route) && !route.StartsWith('/'))
        {
            return $"the HTTP route '{route}' does not start with '/'.";
        }

        if (!string.IsNullOrEmpty(method) && string.IsNullOrEmpty(route))
        {
            return "an HTTP method filter needs an HTTP route.";
        }

        return null;
    }
}
