namespace Introspection.Registry.Watch;

/// <summary>The identity of a filter for <see cref="WatchGroup"/>: equal keys see exactly the same events in the same wire form.</summary>
internal static class WatchGroupKey
{
    public static string For(WatchFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        // Names are validated ([a-z0-9._-] and similar): a newline never occurs in one, so it separates safely.
        var apps = filter.Apps is null ? "*" : string.Join('\n', filter.Apps.Order(StringComparer.Ordinal));
        // The form is part of the key: a compact watcher's DELTA is not an inline watcher's.
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{filter.Namespace}\n{(filter.IncludeMappings ? 'm' : '-')}{(filter.Compact ? 'c' : 'i')}\n{apps}");
    }
}
