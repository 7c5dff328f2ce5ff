namespace Introspection.Registry.Stores;

/// <summary>Answer of <see cref="IRegistryStore.LookupServiceAsync"/>.</summary>
/// <param name="Apps">Ordinal order.</param>
/// <param name="Revision">The revision the answer reflects.</param>
public sealed record LookupResult(IReadOnlyList<string> Apps, long Revision);
