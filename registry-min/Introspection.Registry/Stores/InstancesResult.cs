namespace Introspection.Registry.Stores;

/// <summary>Answer of <see cref="IRegistryStore.ListInstancesAsync"/>.</summary>
/// <param name="Instances">Ordinal by instance id.</param>
/// <param name="Revision">The revision the answer reflects.</param>
public sealed record InstancesResult(IReadOnlyList<InstanceRecord> Instances, long Revision);
