namespace Introspection.Provider.Dubbo;

/// <summary>
/// Dubbo's keys of one service, as its Java code writes them: <c>URL.buildKey</c> /
/// <c>BaseServiceMetadata.buildServiceKey</c> gives <c>{group}/{interface}:{version}</c>, each of
/// <c>group/</c> and <c>:version</c> only when that part is not empty; <c>MetadataInfo.ServiceInfo.getMatchKey</c>
/// appends <c>:{protocol}</c> when the protocol is not empty. <c>MetadataInfoV2.services</c> is keyed by the match key.
/// </summary>
internal static class DubboServiceKey
{
    public static string ServiceKey(string name, string group, string version)
    {
        var key = group.Length == 0 ? name : group + "/" + name;
        return version.Length == 0 ? key : key + ":" + version;
    }

    public static string MatchKey(string name, string group, string version, string protocol)
    {
        var key = ServiceKey(name, group, version);
        return protocol.Length == 0 ? key : key + ":" + protocol;
    }
}
