namespace Introspection.Registry.Stores.Memory;

/// <summary>What one principal owns: instances in total and per namespace (the per-principal caps).</summary>
internal sealed class PrincipalState(string name)
{
    public string Name { get; } = name;

    public int Instances { get; set; }

    public Dictionary<string, int> Namespaces { get; } = new(StringComparer.Ordinal);
}
