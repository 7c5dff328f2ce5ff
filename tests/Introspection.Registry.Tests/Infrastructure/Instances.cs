using Introspection.Protocol.Registry.V1;

namespace Introspection.Registry.Tests.Infrastructure;

/// <summary>Valid test data.</summary>
public static class Instances
{
    public const string RevisionA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    public const string RevisionB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    public static Instance Create(string app = "orders", string id = "i-1", string host = "10.0.0.1", int port = 5000, string revision = RevisionA)
    {
        var instance = new Instance { App = app, InstanceId = id, Host = host, Port = port, Revision = revision };
        instance.Labels.Add("zone", "a");
        return instance;
    }

    public static RegisterRequest Register(string app = "orders", string id = "i-1", long ttlMs = 0, string ns = "") =>
        new() { Namespace = ns, Instance = Create(app, id), TtlMs = ttlMs };
}
