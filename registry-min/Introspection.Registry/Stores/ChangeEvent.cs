namespace Introspection.Registry.Stores;

/// <summary>One entry of the change history.</summary>
/// <param name="Revision">The registry revision of this one change.</param>
/// <param name="Kind">What changed.</param>
/// <param name="Namespace">The namespace the change belongs to.</param>
/// <param name="Instance">Put: the full new record. Delete: the last record (app and instance id at least). Null for mappings.</param>
/// <param name="Mapping">MappingPut / MappingDelete: the pair. Null for instances.</param>
public sealed record ChangeEvent(
    long Revision,
    ChangeKind Kind,
    string Namespace,
    InstanceRecord? Instance,
    ServiceAppPair? Mapping)
{
    /// <summary>The app the change is about (instances and mappings alike).</summary>
    public string App => Instance?.App ?? Mapping!.App;
}
