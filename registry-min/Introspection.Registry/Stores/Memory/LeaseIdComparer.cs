namespace Introspection.Registry.Stores.Memory;

/// <summary>Slots compared by lease id: the lease index is a set of the slots themselves, looked up by id.</summary>
internal sealed class LeaseIdComparer : IEqualityComparer<InstanceSlot>, IAlternateEqualityComparer<long, InstanceSlot>
{
    public static readonly LeaseIdComparer Instance = new();

    public bool Equals(InstanceSlot? x, InstanceSlot? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.LeaseId == y.LeaseId);

    public int GetHashCode(InstanceSlot obj) => Hash(obj.LeaseId);

    public bool Equals(long alternate, InstanceSlot other) => alternate == other.LeaseId;

    public int GetHashCode(long alternate) => Hash(alternate);

    // Slots are only ever added whole; an id alone cannot make one.
    public InstanceSlot Create(long alternate) => throw new NotSupportedException();

    // Lease ids are uniformly random: folding the halves is as good a hash as any.
    private static int Hash(long id) => (int)id ^ (int)(id >> 32);
}
