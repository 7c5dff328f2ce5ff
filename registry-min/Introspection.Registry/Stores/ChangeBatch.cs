namespace Introspection.Registry.Stores;

/// <summary>Answer of <see cref="IRegistryStore.ReadChangesAsync"/>.</summary>
/// <param name="Events">Ascending by revision; the first has the smallest revision after the one asked for. Empty when lost or up to date.</param>
/// <param name="HistoryLost">The asked revision is older than the kept history or newer than <paramref name="CurrentRevision"/>: read a snapshot instead.</param>
/// <param name="CurrentRevision">The store's current revision when read.</param>
public sealed record ChangeBatch(IReadOnlyList<ChangeEvent> Events, bool HistoryLost, long CurrentRevision);
