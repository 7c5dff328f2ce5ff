using Introspection.Protocol.Registry.V1;

namespace Introspection.Client.Tests.View;

/// <summary>Builds the registry's Watch messages the view is fed.</summary>
internal static class WatchMessages
{
    public static Instance Instance(string app, string id, string revision, string host = "10.0.0.1", int port = 5000) =>
        new() { App = app, InstanceId = id, Host = host, Port = port, Revision = revision };

    public static WatchResponse Snapshot(long revision, IEnumerable<Instance> instances, params (string Service, string App)[] mappings)
    {
        var response = new WatchResponse { Kind = WatchResponseKind.Snapshot, Revision = revision };
        response.Instances.Add(instances);
        foreach (var (service, app) in mappings)
        {
            response.ServiceMappings.Add(new ServiceMapping { Service = service, App = app });
        }

        return response;
    }

    public static WatchResponse Delta(long revision, params WatchEvent[] events)
    {
        var response = new WatchResponse { Kind = WatchResponseKind.Delta, Revision = revision };
        response.Events.Add(events);
        return response;
    }

    public static WatchEvent Put(Instance instance) => new() { Type = WatchEventType.Put, Instance = instance };

    public static WatchEvent Delete(string app, string id) =>
        new() { Type = WatchEventType.Delete, Instance = new Instance { App = app, InstanceId = id } };

    public static WatchEvent MappingPut(string service, string app) =>
        new() { Type = WatchEventType.MappingPut, Mapping = new ServiceMapping { Service = service, App = app } };

    public static WatchEvent MappingDelete(string service, string app) =>
        new() { Type = WatchEventType.MappingDelete, Mapping = new ServiceMapping { Service = service, App = app } };
}
