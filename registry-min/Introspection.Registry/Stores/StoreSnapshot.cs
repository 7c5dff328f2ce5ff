namespace Introspection.Registry.Stores;

/// <summary>Answer of <see cref="IRegistryStore.GetSnapshotAsync"/>: one consistent view.</summary>
/// <param name="Instances">Ordinal by (app, instance id).</param>
/// <param name="Mappings">Ordinal by (service, app); empty unless asked for.</param>
/// <param name="Revision">The view is exactly the state after this revision.</param>
public sealed record StoreSnapshot(IReadOnlyList<InstanceRecord> Instances, IReadOnlyList<ServiceAppPair> Mappings, long Revision);
