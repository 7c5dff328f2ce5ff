namespace Introspection.Registry.Stores.Memory;

/// <summary>
/// The live instances of one app in one namespace. The set holds the slots themselves, keyed by instance id
/// through an alternate lookup, so an instance costs one set entry rather than a dictionary entry plus a key.
/// The app's name and namespace live here once, not in every slot.
/// </summary>
internal sealed class AppInstances
{
    public AppInstances(string ns, string name)
    {
        Namespace = ns;
        Name = name;
        Slots = new HashSet<InstanceSlot>(InstanceIdComparer.Instance);
        ById = Slots.GetAlternateLookup<string>();
    }

    public string Namespace { get; }

    public string Name { get; }

    public HashSet<InstanceSlot> Slots { get; }

    public HashSet<InstanceSlot>.AlternateLookup<string> ById { get; }

    public int Count => Slots.Count;
}
