using Introspection.Protocol;
using Introspection.Protocol.Metadata.V1;

namespace Introspection.Client.Tests.Infrastructure;

public static class TestMetadata
{
    /// <summary>Metadata of <paramref name="app"/> exposing the given services, with its real revision.</summary>
    public static MetadataInfo Create(string app, params (string Name, string Group, string Version)[] services)
    {
        var info = new MetadataInfo { App = app };
        foreach (var (name, group, version) in services)
        {
            info.Services.Add(new ServiceInfo { Name = name, Group = group, Version = version, Protocol = "grpc", Methods = { "Call" } });
        }

        info.Revision = MetadataRevision.Compute(info);
        return info;
    }
}
