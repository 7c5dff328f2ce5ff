using Introspection.Registry.Stores;

namespace Introspection.Registry.Watch;

/// <summary>
/// What one watcher wants: a namespace, a set of apps (null: all), optionally mappings, and whether
/// its messages come in the compact form (protocol/COMPACT.md).
/// </summary>
internal sealed class WatchFilter(string ns, IReadOnlySet<string>? apps, bool includeMappings, bool compact = false)
{
    public string Namespace { get; } = ns;

    public IReadOnlySet<string>? Apps { get; } = apps;

    public bool IncludeMappings { get; } = includeMappings;

    public bool Compact { get; } = compact;

    public bool Matches(ChangeEvent change)
    {
        if (!string.Equals(change.Namespace, Namespace, StringComparison.Ordinal))
        {
            return false;
        }

        if (change.Mapping is not null)
        {
            // Mappings are namespace-wide: a watcher that asked for them gets all of them.
            return IncludeMappings;
        }

        return Apps is null || Apps.Contains(change.App);
    }
}
