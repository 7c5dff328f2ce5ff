using Google.Protobuf.Collections;
using Introspection.Protocol.Registry.V1;

namespace Introspection.Protocol;

/// <summary>
/// Turns a registry answer in the compact form (protocol/COMPACT.md: repeated app names and
/// metadata revisions sent once in per-message tables, instances referring to them by 1-based
/// ref) back into the inline form every other part of the code reads, in place. An answer that
/// is already inline (no tables, no refs) is left as it is, so readers call it on every message.
/// </summary>
public static class CompactForm
{
    /// <summary>Expands <paramref name="response"/> in place.</summary>
    /// <exception cref="CompactFormException">A ref outside its table, or a ref beside an inline value.</exception>
    public static void Expand(ListInstancesResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        foreach (var instance in response.Instances)
        {
            Expand(instance, response.AppTable, response.RevisionTable);
        }

        response.AppTable.Clear();
        response.RevisionTable.Clear();
    }

    /// <summary>Expands <paramref name="response"/> in place: its snapshot instances and its events' instances.</summary>
    /// <exception cref="CompactFormException">A ref outside its table, or a ref beside an inline value.</exception>
    public static void Expand(WatchResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        foreach (var instance in response.Instances)
        {
            Expand(instance, response.AppTable, response.RevisionTable);
        }

        foreach (var change in response.Events)
        {
            if (change.Instance is not null)
            {
                Expand(change.Instance, response.AppTable, response.RevisionTable);
            }
        }

        response.AppTable.Clear();
        response.RevisionTable.Clear();
    }

    private static void Expand(Instance instance, RepeatedField<string> apps, RepeatedField<string> revisions)
    {
        if (instance.AppRef != 0)
        {
            instance.App = Resolve(instance.AppRef, instance.App, apps, "app");
            instance.AppRef = 0;
        }

        if (instance.RevisionRef != 0)
        {
            instance.Revision = Resolve(instance.RevisionRef, instance.Revision, revisions, "revision");
            instance.RevisionRef = 0;
        }
    }

    private static string Resolve(uint reference, string inline, RepeatedField<string> table, string field)
    {
        if (inline.Length != 0)
        {
            throw new CompactFormException(
                $"Compact registry answer: an instance carries both {field} '{inline}' and {field}_ref {reference}; exactly one may be set.");
        }

        if (reference > (uint)table.Count)
        {
            throw new CompactFormException(
                $"Compact registry answer: {field}_ref {reference} is outside {field}_table ({table.Count} entries; refs are 1-based).");
        }

        return table[(int)reference - 1];
    }
}
