using Introspection.Protocol;
using Introspection.Protocol.Metadata.V1;
using Org.Apache.Dubbo.Metadata;

namespace Introspection.Provider.Dubbo;

/// <summary>
/// Our <see cref="MetadataInfo"/> as Dubbo 3.3's <see cref="MetadataInfoV2"/> (table in metadata-service/README.md,
/// "Dubbo interop"). The mapping is reversible for what our provider builds, so our own client can read it back
/// and still verify the revision (client/Internal/DubboMetadataConversion.cs is the inverse).
/// </summary>
internal static class DubboMetadataMapping
{
    /// <summary>Dubbo's name for gRPC-compatible Triple, what a Dubbo consumer must see to call a gRPC service.</summary>
    public const string TripleProtocol = "tri";

    /// <summary>Dubbo's service parameter holding the comma-separated method names (URL key <c>methods</c>).</summary>
    public const string MethodsParam = "methods";

    public static MetadataInfoV2 ToV2(MetadataInfo info, int instancePort)
    {
        var v2 = new MetadataInfoV2
        {
            App = info.App,
            // The revision our registry holds and our client verifies; Dubbo's consumer treats it as an opaque
            // cache key (it never recomputes it), so one revision serves both worlds.
            Version = info.Revision,
        };
        foreach (var service in info.Services)
        {
            var protocol = service.Protocol.Length == 0 || service.Protocol == MetadataRevision.DefaultProtocol ? TripleProtocol : service.Protocol;
            var serviceV2 = new ServiceInfoV2
            {
                Name = service.Name,
                Group = service.Group,
                Version = service.Version,
                Protocol = protocol,
                // Port 0 means "the instance's own port" to us; a Dubbo consumer needs the number.
                Port = service.Port == 0 ? instancePort : service.Port,
                // Dubbo's path is the interface name unless the service sits elsewhere; ours is empty in that case.
                Path = service.Path.Length == 0 ? service.Name : service.Path,
            };
            serviceV2.Params.Add(service.Params);
            if (service.Methods.Count > 0)
            {
                // Dubbo carries the method list as a parameter; ours wins over a user parameter of that name.
                serviceV2.Params[MethodsParam] = string.Join(',', service.Methods.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
            }

            // Two of our services can only share a match key if they differ in port or path alone; the last one
            // wins, as in Dubbo's own map.
            v2.Services[DubboServiceKey.MatchKey(serviceV2.Name, serviceV2.Group, serviceV2.Version, serviceV2.Protocol)] = serviceV2;
        }

        return v2;
    }
}
