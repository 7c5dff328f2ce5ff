namespace Introspection.Registry.Stores;

/// <summary>Answer of <see cref="IRegistryStore.ListAppsAsync"/>.</summary>
/// <param name="Apps">(app, instance count), ordinal by app, count ≥ 1.</param>
/// <param name="Revision">The revision the answer reflects.</param>
public sealed record AppsResult(IReadOnlyList<KeyValuePair<string, int>> Apps, long Revision);
