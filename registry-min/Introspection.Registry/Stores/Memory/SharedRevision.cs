namespace Introspection.Registry.Stores.Memory;

/// <summary>
/// A revision string shared by every instance of one build (one 64-hex string instead of one per instance),
/// counted so the pool forgets a build once its last instance is gone.
/// </summary>
internal sealed class SharedRevision(string value)
{
    public string Value { get; } = value;

    public int References { get; set; }
}
