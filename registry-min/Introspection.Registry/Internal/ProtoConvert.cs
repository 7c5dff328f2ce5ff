using System.Runtime.CompilerServices;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Stores;

namespace Introspection.Registry.Internal;

/// <summary>Maps between the wire types and the store's records.</summary>
internal static class ProtoConvert
{
    // Every watcher of a change used to build its own WatchEvent (and copy the labels) for the same
    // ChangeEvent: with 1,000 watchers one change made 1,000 identical messages. The hub hands the
    // same ChangeEvent instance to every watcher, so the wire form is built once and shared; a
    // protobuf message that is never mutated again is safe to serialize from several streams at once.
    // The table holds the message only as long as the history holds the event.
    private static readonly ConditionalWeakTable<ChangeEvent, WatchEvent> s_wireEvents = new();

    /// <summary>The wire form of <paramref name="change"/>, built once per event and shared by every watcher. Never mutate it.</summary>
    public static WatchEvent ToSharedProto(ChangeEvent change) => s_wireEvents.GetValue(change, static c => ToProto(c));

    public static InstanceRecord ToRecord(Instance instance) =>
        new(instance.App, instance.InstanceId, instance.Host, instance.Port, instance.Revision, instance.Labels);

    public static Instance ToProto(InstanceRecord record)
    {
        var instance = new Instance
        {
            App = record.App,
            InstanceId = record.InstanceId,
            Host = record.Host,
            Port = record.Port,
            Revision = record.Revision,
            ModRevision = record.ModRevision,
        };
        foreach (var (key, value) in record.Labels)
        {
            instance.Labels.Add(key, value);
        }

        return instance;
    }

    public static ServiceMapping ToProto(ServiceAppPair pair) => new() { Service = pair.Service, App = pair.App };

    public static WatchEvent ToProto(ChangeEvent change) => change.Kind switch
    {
        ChangeKind.Put => new WatchEvent { Type = WatchEventType.Put, Revision = change.Revision, Instance = ToProto(change.Instance!) },
        ChangeKind.Delete => new WatchEvent { Type = WatchEventType.Delete, Revision = change.Revision, Instance = ToProto(change.Instance!) },
        ChangeKind.MappingPut => new WatchEvent { Type = WatchEventType.MappingPut, Revision = change.Revision, Mapping = ToProto(change.Mapping!) },
        ChangeKind.MappingDelete => new WatchEvent { Type = WatchEventType.MappingDelete, Revision = change.Revision, Mapping = ToProto(change.Mapping!) },
        _ => throw new ArgumentOutOfRangeException(nameof(change), change.Kind, "Unknown change kind."),
    };
}
