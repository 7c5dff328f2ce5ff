using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Stores;

namespace Introspection.Registry.Internal;

/// <summary>Maps between the wire types and the store's records.</summary>
internal static class ProtoConvert
{
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
