namespace Introspection.Registry.Stores.Memory;

/// <summary>Label sets equal by content: the key of the store's pool of shared sets.</summary>
internal sealed class LabelSetContentComparer : IEqualityComparer<LabelSet>
{
    public static readonly LabelSetContentComparer Instance = new();

    public bool Equals(LabelSet? x, LabelSet? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.ContentEquals(y));

    public int GetHashCode(LabelSet obj) => obj.ContentHash();
}
