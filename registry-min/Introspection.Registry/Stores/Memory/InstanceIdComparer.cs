namespace Introspection.Registry.Stores.Memory;

/// <summary>Slots of one app compared by instance id; the alternate form lets a lookup pass just the id.</summary>
internal sealed class InstanceIdComparer : IEqualityComparer<InstanceSlot>, IAlternateEqualityComparer<string, InstanceSlot>
{
    public static readonly InstanceIdComparer Instance = new();

    public bool Equals(InstanceSlot? x, InstanceSlot? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && string.Equals(x.InstanceId, y.InstanceId, StringComparison.Ordinal));

    public int GetHashCode(InstanceSlot obj) => StringComparer.Ordinal.GetHashCode(obj.InstanceId);

    public bool Equals(string alternate, InstanceSlot other) => string.Equals(alternate, other.InstanceId, StringComparison.Ordinal);

    public int GetHashCode(string alternate) => StringComparer.Ordinal.GetHashCode(alternate);

    // Slots are only ever added whole; an id alone cannot make one.
    public InstanceSlot Create(string alternate) => throw new NotSupportedException();
}
