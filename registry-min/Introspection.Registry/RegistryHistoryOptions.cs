namespace Introspection.Registry;

/// <summary>
/// The change history kept for watchers that resume with <c>since_revision</c>. A watcher older
/// than the history gets a reset SNAPSHOT instead. Both bounds apply; every store honours them.
/// </summary>
public sealed class RegistryHistoryOptions
{
    /// <summary>Most events kept. Default 100000.</summary>
    public int MaxEvents { get; set; } = 100_000;

    /// <summary>Oldest event kept. Default 10 min.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(10);
}
