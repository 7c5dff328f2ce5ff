using Introspection.Protocol.Metadata.V1;

namespace Introspection.Client.Internal;

/// <summary>
/// Decides whether an instance's metadata serves an <see cref="AppTarget"/>'s HTTP route: the route asked for is
/// either a template exactly as the provider lists it, or a request path that one of its templates matches the way
/// ASP.NET Core routing would (literal segments case-insensitively, <c>{param}</c> one segment, <c>{*rest}</c> /
/// <c>{**rest}</c> the remainder, <c>{param?}</c> optional). Constraints (<c>{id:int}</c>) are not evaluated: a
/// path the provider would reject with 404 is a provider's answer, not a routing decision of ours.
/// </summary>
internal static class HttpRouteMatcher
{
    public static bool Serves(MetadataInfo metadata, AppTarget target)
    {
        if (target.HttpRoute is not { } route)
        {
            return true;
        }

        foreach (var endpoint in metadata.HttpEndpoints)
        {
            if (!AnswersMethod(endpoint, target.HttpMethod))
            {
                continue;
            }

            if (string.Equals(endpoint.Route, route, StringComparison.Ordinal) || Matches(endpoint.Route, route))
            {
                return true;
            }
        }

        return false;
    }

    private static bool AnswersMethod(HttpEndpointInfo endpoint, string? method)
    {
        if (method is null || endpoint.Methods.Count == 0)
        {
            return true;
        }

        foreach (var candidate in endpoint.Methods)
        {
            if (string.Equals(candidate, method, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the request <paramref name="path"/> (query ignored) matches the route <paramref name="template"/>.</summary>
    internal static bool Matches(string template, string path)
    {
        var query = path.IndexOfAny(['?', '#']);
        if (query >= 0)
        {
            path = path[..query];
        }

        var templateSegments = template.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var pathSegments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < templateSegments.Length; i++)
        {
            var segment = templateSegments[i];
            var isParameter = segment.Length >= 2 && segment[0] == '{' && segment[^1] == '}';
            if (isParameter && segment.Length > 2 && segment[1] == '*')
            {
                // Catch-all: the rest of the path, possibly empty.
                return true;
            }

            if (i >= pathSegments.Length)
            {
                // Only optional parameters (or ones with a default) may be missing.
                return templateSegments.Skip(i).All(IsOptional);
            }

            if (!isParameter && !string.Equals(segment, pathSegments[i], StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return pathSegments.Length == templateSegments.Length;
    }

    private static bool IsOptional(string segment) =>
        segment.Length > 2 && segment[0] == '{' && segment[^1] == '}' && (segment[^2] == '?' || segment.Contains('=', StringComparison.Ordinal));
}
