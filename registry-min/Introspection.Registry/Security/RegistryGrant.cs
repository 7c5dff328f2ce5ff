using Introspection.Protocol;

namespace Introspection.Registry.Security;

/// <summary>
/// One grant, <c>&lt;namespace&gt;:&lt;read|write|admin&gt;[:&lt;app pattern&gt;]</c>: namespace <c>*</c> or a name; the
/// app pattern (write only) <c>*</c>, an exact app, or a prefix ending in <c>*</c> (<c>orders-*</c>). A write grant
/// without a pattern covers every app of the namespace.
/// </summary>
internal sealed record RegistryGrant(string Namespace, GrantLevel Level, string AppPattern)
{
    public const string Any = "*";

    public static bool TryParse(string? text, out RegistryGrant? grant, out string? error)
    {
        grant = null;
        error = null;
        // At most three parts: app names may contain ':' (the wire allows it), namespaces and levels do not.
        var parts = (text ?? string.Empty).Split(':', 3);
        if (parts.Length < 2)
        {
            error = $"grant '{text}' must be '<namespace>:<read|write|admin>[:<app pattern>]'";
            return false;
        }

        var ns = parts[0];
        if (ns != Any && !WireContract.TryValidateNamespace("namespace", ns, out _))
        {
            error = $"grant '{text}': namespace '{ns}' is neither '*' nor a valid namespace ({WireContract.NamespaceCharset}+)";
            return false;
        }

        GrantLevel level;
        switch (parts[1])
        {
            case "read": level = GrantLevel.Read; break;
            case "write": level = GrantLevel.Write; break;
            case "admin": level = GrantLevel.Admin; break;
            default:
                error = $"grant '{text}': level '{parts[1]}' must be read, write or admin";
                return false;
        }

        var pattern = parts.Length == 3 ? parts[2] : Any;
        if (parts.Length == 3 && level != GrantLevel.Write)
        {
            error = $"grant '{text}': an app pattern applies to write grants only";
            return false;
        }

        var literal = pattern.EndsWith('*') ? pattern[..^1] : pattern;
        if (pattern != Any && (literal.Contains('*', StringComparison.Ordinal) || !WireContract.TryValidateApp("app", literal, out _)))
        {
            error = $"grant '{text}': app pattern '{pattern}' must be '*', an app name or a prefix ending in '*'";
            return false;
        }

        grant = new RegistryGrant(ns, level, pattern);
        return true;
    }

    public bool CoversNamespace(string ns) => Namespace == Any || string.Equals(Namespace, ns, StringComparison.Ordinal);

    public bool Allows(GrantLevel needed, string ns, string? app)
    {
        if (!CoversNamespace(ns))
        {
            return false;
        }

        return Level switch
        {
            GrantLevel.Admin => true,
            GrantLevel.Write => needed == GrantLevel.Write && (app is null || MatchesApp(app)),
            _ => needed == GrantLevel.Read,
        };
    }

    private bool MatchesApp(string app) =>
        AppPattern == Any
        || (AppPattern.EndsWith('*') ? app.StartsWith(AppPattern[..^1], StringComparison.Ordinal) : string.Equals(app, AppPattern, StringComparison.Ordinal));

    public override string ToString() => AppPattern == Any && Level != GrantLevel.Write ? $"{Namespace}:{LevelName(Level)}" : $"{Namespace}:{LevelName(Level)}:{AppPattern}";

    public static string LevelName(GrantLevel level) => level switch
    {
        GrantLevel.Admin => "admin",
        GrantLevel.Write => "write",
        _ => "read",
    };
}
