using Google.Protobuf.Collections;
using Introspection.Protocol.Registry.V1;

namespace Introspection.Registry.Watch;

/// <summary>
/// The app and revision tables of one compact answer (protocol/COMPACT.md). Count every instance
/// of the message first, then <see cref="Apply"/> each: a value seen at least twice goes into its
/// table once (in order of first use) and the instance refers to it; a value seen once stays
/// inline, since a table entry plus a ref would cost more than the value itself.
/// </summary>
internal sealed class CompactTables
{
    private readonly Dictionary<string, uint> _appUses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, uint> _revisionUses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, uint> _appRefs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, uint> _revisionRefs = new(StringComparer.Ordinal);

    /// <summary>The compact form of a ListInstances answer, in place.</summary>
    public static void Compact(ListInstancesResponse response)
    {
        var tables = new CompactTables();
        foreach (var instance in response.Instances)
        {
            tables.Count(instance);
        }

        for (var i = 0; i < response.Instances.Count; i++)
        {
            response.Instances[i] = tables.Apply(response.Instances[i], response.AppTable, response.RevisionTable, shared: false);
        }
    }

    /// <summary>Counts the values of one instance of the message.</summary>
    public void Count(Instance instance)
    {
        Increment(_appUses, instance.App);
        Increment(_revisionUses, instance.Revision);
    }

    /// <summary>
    /// The compact form of <paramref name="instance"/>, with the tables it refers to grown into
    /// <paramref name="apps"/> / <paramref name="revisions"/>. A <paramref name="shared"/> instance (a DELTA
    /// event's, cached for every watcher) is never changed: a copy is returned when anything moves to a
    /// table. An instance built for this one message (snapshot, list) is changed in place, saving the copy.
    /// </summary>
    public Instance Apply(Instance instance, RepeatedField<string> apps, RepeatedField<string> revisions, bool shared)
    {
        var appRef = Reference(_appUses, _appRefs, apps, instance.App);
        var revisionRef = Reference(_revisionUses, _revisionRefs, revisions, instance.Revision);
        if (appRef == 0 && revisionRef == 0)
        {
            return instance;
        }

        var compact = shared ? instance.Clone() : instance;
        if (appRef != 0)
        {
            compact.App = string.Empty;
            compact.AppRef = appRef;
        }

        if (revisionRef != 0)
        {
            compact.Revision = string.Empty;
            compact.RevisionRef = revisionRef;
        }

        return compact;
    }

    private static void Increment(Dictionary<string, uint> uses, string value)
    {
        // An empty value (a DELETE event's revision) is sent as nothing already.
        if (value.Length != 0)
        {
            uses[value] = uses.GetValueOrDefault(value) + 1;
        }
    }

    private static uint Reference(Dictionary<string, uint> uses, Dictionary<string, uint> refs, RepeatedField<string> table, string value)
    {
        if (value.Length == 0 || uses.GetValueOrDefault(value) < 2)
        {
            return 0;
        }

        if (!refs.TryGetValue(value, out var reference))
        {
            table.Add(value);
            reference = (uint)table.Count;
            refs.Add(value, reference);
        }

        return reference;
    }
}
