using System.Diagnostics.CodeAnalysis;
using System.Text;
using Introspection.Protocol;

namespace Introspection.Client;

/// <summary>
/// What a caller asks to resolve: a full gRPC service name, optionally narrowed to one group, one version
/// and/or one app. Written as <c>introspect:///greet.Greeter?group=a&amp;version=2&amp;app=orders</c>.
/// </summary>
public sealed record ServiceTarget
{
    /// <summary>The URI scheme handled by the Introspection gRPC resolver.</summary>
    public const string Scheme = "introspect";

    // Service and app follow the wire contract; group and version are not registry fields (they
    // come from the providers' metadata) and only share the app name's length as a sanity cap.
    private const int MaxServiceLength = WireContract.MaxServiceBytes;
    private const int MaxNameLength = WireContract.MaxAppBytes;

    /// <summary>Creates a target, validating every part.</summary>
    /// <exception cref="ArgumentException">A part is malformed; the message names it.</exception>
    public ServiceTarget(string service, string? group = null, string? version = null, string? app = null)
    {
        var error = Validate(service, group, version, app);
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(service));
        }

        Service = service;
        Group = string.IsNullOrEmpty(group) ? null : group;
        Version = string.IsNullOrEmpty(version) ? null : version;
        App = string.IsNullOrEmpty(app) ? null : app;
    }

    // An app-level target (AppTarget): no service, every instance of one app, optionally filtered by HTTP route.
    private ServiceTarget(AppTarget appTarget)
    {
        Service = string.Empty;
        App = appTarget.App;
        AppOnly = appTarget;
    }

    /// <summary>Set for an app-level target (<see cref="IntrospectionClient.ResolveAppAsync"/>): <see cref="Service"/> is then empty.</summary>
    internal AppTarget? AppOnly { get; }

    internal static ServiceTarget ForApp(AppTarget target) => new(target);

    /// <summary>Full gRPC service name, e.g. <c>greet.Greeter</c>; empty for an app-level target.</summary>
    public string Service { get; }

    /// <summary>Only instances exposing the service in this group; <c>null</c>: any group.</summary>
    public string? Group { get; }

    /// <summary>Only instances exposing this version of the service; <c>null</c>: any version.</summary>
    public string? Version { get; }

    /// <summary>Only instances of this app (skips the registry's service → app mapping); <c>null</c>: every app providing the service.</summary>
    public string? App { get; }

    /// <summary>Parses <c>introspect:///service?group=..&amp;version=..&amp;app=..</c>.</summary>
    /// <exception cref="FormatException">The URI is not a valid introspect target; the message says why.</exception>
    public static ServiceTarget Parse(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!TryParse(uri, out var target, out var error))
        {
            throw new FormatException(error);
        }

        return target;
    }

    /// <summary>Parses <c>service[?group=..&amp;version=..&amp;app=..]</c> (the form used in configuration).</summary>
    /// <exception cref="FormatException">The text is not a valid target; the message says why.</exception>
    public static ServiceTarget Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith(Scheme + ":", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
            {
                throw new FormatException($"'{text}' is not a valid URI. Expected {Scheme}:///package.Service[?group=..&version=..&app=..].");
            }

            return Parse(uri);
        }

        var queryStart = text.IndexOf('?', StringComparison.Ordinal);
        var service = queryStart < 0 ? text : text[..queryStart];
        var query = queryStart < 0 ? string.Empty : text[queryStart..];
        if (!TryParseParts(text, Uri.UnescapeDataString(service), query, out var target, out var error))
        {
            throw new FormatException(error);
        }

        return target;
    }

    /// <summary>Parses an introspect URI without throwing.</summary>
    public static bool TryParse(Uri uri, [NotNullWhen(true)] out ServiceTarget? target, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(uri);
        target = null;
        var text = uri.OriginalString;
        if (!uri.IsAbsoluteUri || !string.Equals(uri.Scheme, Scheme, StringComparison.OrdinalIgnoreCase))
        {
            error = $"'{text}' does not use the '{Scheme}' scheme. Expected {Scheme}:///package.Service[?group=..&version=..&app=..].";
            return false;
        }

        if (uri.Authority.Length != 0)
        {
            // introspect://greet.Greeter puts the service in the authority (and lower-cases it): say so rather than
            // resolving a mangled name.
            error = $"'{text}' has an authority ('{uri.Authority}'); the service goes in the path after three slashes: {Scheme}:///package.Service.";
            return false;
        }

        if (uri.Fragment.Length != 0)
        {
            error = $"'{text}' has a fragment; {Scheme} targets take none.";
            return false;
        }

        var path = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        return TryParseParts(text, path, uri.Query, out target, out error);
    }

    /// <summary>The canonical URI of this target.</summary>
    public Uri ToUri() => new(ToString(), UriKind.Absolute);

    /// <summary>Returns <c>introspect:///service[?group=..&amp;version=..&amp;app=..]</c>.</summary>
    public override string ToString()
    {
        if (AppOnly is { } appOnly)
        {
            return appOnly.ToString();
        }

        var builder = new StringBuilder(Scheme).Append(":///").Append(Service);
        var separator = '?';
        Append("group", Group);
        Append("version", Version);
        Append("app", App);
        return builder.ToString();

        void Append(string key, string? value)
        {
            if (value is not null)
            {
                builder.Append(separator).Append(key).Append('=').Append(Uri.EscapeDataString(value));
                separator = '&';
            }
        }
    }

    /// <summary>Human-readable description used in error messages.</summary>
    internal string Describe()
    {
        if (AppOnly is { } appOnly)
        {
            return appOnly.ToString();
        }

        var parts = new List<string>(3);
        if (Group is not null)
        {
            parts.Add($"group '{Group}'");
        }

        if (Version is not null)
        {
            parts.Add($"version '{Version}'");
        }

        if (App is not null)
        {
            parts.Add($"app '{App}'");
        }

        return parts.Count == 0 ? $"'{Service}'" : $"'{Service}' ({string.Join(", ", parts)})";
    }

    private static bool TryParseParts(string text, string service, string query, [NotNullWhen(true)] out ServiceTarget? target, [NotNullWhen(false)] out string? error)
    {
        target = null;
        string? group = null, version = null, app = null;
        var trimmed = query.StartsWith('?') ? query[1..] : query;
        if (trimmed.Length != 0)
        {
            foreach (var pair in trimmed.Split('&'))
            {
                if (pair.Length == 0)
                {
                    continue;
                }

                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
                var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
                ref var slot = ref group;
                switch (key)
                {
                    case "group":
                        slot = ref group;
                        break;
                    case "version":
                        slot = ref version;
                        break;
                    case "app":
                        slot = ref app;
                        break;
                    default:
                        error = $"'{text}' has an unknown query parameter '{key}'; allowed: group, version, app.";
                        return false;
                }

                if (slot is not null)
                {
                    error = $"'{text}' sets '{key}' more than once.";
                    return false;
                }

                if (value.Length == 0)
                {
                    error = $"'{text}' sets '{key}' to an empty value; leave it out instead.";
                    return false;
                }

                slot = value;
            }
        }

        error = Validate(service, group, version, app);
        if (error is not null)
        {
            error = $"'{text}': {error}";
            return false;
        }

        target = new ServiceTarget(service, group, version, app);
        return true;
    }

    private static string? Validate(string? service, string? group, string? version, string? app)
    {
        if (string.IsNullOrEmpty(service))
        {
            return $"the service name is missing; expected {Scheme}:///package.Service.";
        }

        if (service.Length > MaxServiceLength)
        {
            return $"the service name is longer than {MaxServiceLength} characters.";
        }

        foreach (var c in service)
        {
            if (!WireContract.IsServiceChar(c))
            {
                return $"the service name '{service}' contains '{c}'; a full gRPC service name uses {WireContract.ServiceCharset} (e.g. greet.Greeter).";
            }
        }

        if (service.StartsWith('.') || service.EndsWith('.'))
        {
            return $"the service name '{service}' starts or ends with a dot.";
        }

        if (app is not null)
        {
            if (app.Length > MaxNameLength)
            {
                return $"the app name is longer than {MaxNameLength} characters.";
            }

            foreach (var c in app)
            {
                if (!WireContract.IsNameChar(c))
                {
                    return $"the app name '{app}' contains '{c}'; app names use {WireContract.NameCharset}.";
                }
            }
        }

        if (group is { Length: > MaxNameLength } || version is { Length: > MaxNameLength })
        {
            return $"group and version are limited to {MaxNameLength} characters.";
        }

        return null;
    }
}
