using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Internal;
using Introspection.Registry.Stores;

namespace Introspection.Registry.Watch;

/// <summary>
/// Builds the Watch stream's wire messages from store state: the one place that decides what a
/// SNAPSHOT and a DELTA look like, so the session only decides when to send them.
/// </summary>
internal static class WatchResponseEncoder
{
    /// <summary>The SNAPSHOT of <paramref name="snapshot"/> (every instance and mapping it holds).</summary>
    public static WatchResponse Snapshot(StoreSnapshot snapshot, bool reset)
    {
        var response = new WatchResponse
        {
            Kind = WatchResponseKind.Snapshot,
            Revision = snapshot.Revision,
            Reset = reset,
        };
        foreach (var instance in snapshot.Instances)
        {
            response.Instances.Add(ProtoConvert.ToProto(instance));
        }

        foreach (var mapping in snapshot.Mappings)
        {
            response.ServiceMappings.Add(ProtoConvert.ToProto(mapping));
        }

        return response;
    }

    /// <summary>
    /// One DELTA of <paramref name="count"/> events from <paramref name="start"/>, bringing the watcher up to the
    /// last event's revision, or to <paramref name="minimumRevision"/> when that is later (or there are no events).
    /// </summary>
    public static WatchResponse Delta(IReadOnlyList<ChangeEvent> events, int start, int count, long minimumRevision)
    {
        var response = new WatchResponse { Kind = WatchResponseKind.Delta };
        for (var i = start; i < start + count; i++)
        {
            response.Events.Add(ProtoConvert.ToSharedProto(events[i]));
        }

        response.Revision = count > 0 ? Math.Max(minimumRevision, events[start + count - 1].Revision) : minimumRevision;
        return response;
    }

    /// <summary>
    /// Rewrites <paramref name="response"/> (a SNAPSHOT or DELTA built above, for a watcher that asked
    /// for compact) into the compact form of protocol/COMPACT.md, in place. Snapshot instances are built
    /// per message and change in place; shared DELTA events are replaced by compact copies, never changed.
    /// </summary>
    public static void Compact(WatchResponse response)
    {
        var tables = new CompactTables();
        foreach (var instance in response.Instances)
        {
            tables.Count(instance);
        }

        foreach (var change in response.Events)
        {
            if (change.Instance is not null)
            {
                tables.Count(change.Instance);
            }
        }

        for (var i = 0; i < response.Instances.Count; i++)
        {
            response.Instances[i] = tables.Apply(response.Instances[i], response.AppTable, response.RevisionTable, shared: false);
        }

        for (var i = 0; i < response.Events.Count; i++)
        {
            var change = response.Events[i];
            if (change.Instance is null)
            {
                continue;
            }

            var instance = tables.Apply(change.Instance, response.AppTable, response.RevisionTable, shared: true);
            if (!ReferenceEquals(instance, change.Instance))
            {
                response.Events[i] = new WatchEvent { Type = change.Type, Revision = change.Revision, Instance = instance, Mapping = change.Mapping };
            }
        }
    }
}
