namespace Introspection.Registry.Stores;

/// <summary>What one <see cref="ChangeEvent"/> did.</summary>
public enum ChangeKind
{
    /// <summary>An instance was added or changed.</summary>
    Put = 1,

    /// <summary>An instance was removed (deregistered or evicted).</summary>
    Delete = 2,

    /// <summary>A (service, app) mapping was added.</summary>
    MappingPut = 3,

    /// <summary>A (service, app) mapping was removed.</summary>
    MappingDelete = 4,
}
