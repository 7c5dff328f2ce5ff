using Introspection.Protocol.Metadata.V1;
using Introspection.Protocol.Registry.V1;
using Org.Apache.Dubbo.Metadata;

namespace Introspection.Client.Internal;

/// <summary>
/// Dubbo 3.3's <see cref="MetadataInfoV2"/> as our <see cref="MetadataInfo"/>: the inverse of the provider's
/// mapping (metadata-service/Dubbo/DubboMetadataMapping.cs; table in metadata-service/README.md), so the metadata
/// of one of our providers read through V2 hashes to the revision it registered.
/// </summary>
internal static class DubboMetadataConversion
{
    /// <summary>Dubbo's gRPC-compatible protocol; ours is "grpc", written as "" (the revision treats both alike).</summary>
    public const string TripleProtocol = "tri";

    /// <summary>Dubbo's service parameter with the comma-separated method names.</summary>
    public const string MethodsParam = "methods";

    /// <param name="v2">The answer.</param>
    /// <param name="instance">The instance it came from: its port is what "port 0" means.</param>
    /// <param name="revision">Our revision (the registered one): the converted metadata carries it and the cache checks that the content hashes to it.</param>
    public static MetadataInfo ToMetadataInfo(MetadataInfoV2 v2, Instance instance, string revision)
    {
        var info = new MetadataInfo { App = v2.App, Revision = revision };
        // Keys are Dubbo's match keys, derived from the fields: the fields are what is converted. Ordinal key order
        // keeps the conversion deterministic (the revision does not depend on the order anyway).
        foreach (var (_, service) in v2.Services.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var converted = new ServiceInfo
            {
                Name = service.Name,
                Group = service.Group,
                Version = service.Version,
                Protocol = service.Protocol == TripleProtocol ? string.Empty : service.Protocol,
                Port = service.Port == instance.Port ? 0 : service.Port,
                Path = service.Path == service.Name ? string.Empty : service.Path,
            };
            foreach (var (key, value) in service.Params)
            {
                if (key == MethodsParam)
                {
                    converted.Methods.Add(value.Split(',', StringSplitOptions.RemoveEmptyEntries));
                }
                else
                {
                    converted.Params[key] = value;
                }
            }

            info.Services.Add(converted);
        }

        return info;
    }
}
