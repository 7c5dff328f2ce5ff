using System.Globalization;

namespace Introspection.Provider.Dubbo;

/// <summary>
/// The instance labels a Dubbo 3.3 consumer reads from a service instance's metadata (Dubbo's
/// <c>ServiceInstanceMetadataUtils</c> names), registered when <c>Dubbo:RegisterLabels</c> is on. Mapping table:
/// metadata-service/README.md, "Dubbo interop".
/// </summary>
internal static class DubboInstanceLabels
{
    /// <summary>Version of the metadata service the consumer should call: 2.0.0 selects MetadataServiceV2.</summary>
    public const string MetadataVersionKey = "meta-v";

    /// <summary><c>local</c>: the metadata is served by the instance itself (not a metadata centre).</summary>
    public const string StorageTypeKey = "dubbo.metadata.storage-type";

    /// <summary>JSON object of the URL parameters of the instance's metadata service (protocol, port).</summary>
    public const string UrlParamsKey = "dubbo.metadata-service.url-params";

    /// <summary>JSON array of the instance's protocol endpoints.</summary>
    public const string EndpointsKey = "dubbo.endpoints";

    /// <summary>The revision to pass to GetMetadataInfo.</summary>
    public const string RevisionKey = "dubbo.metadata.revision";

    /// <summary>How many labels <see cref="With"/> writes (the validator counts them against the registry's cap).</summary>
    public const int Count = 5;

    /// <summary>The most UTF-8 bytes the five labels take (keys plus values), with a 5-digit port and a 64-character revision.</summary>
    public static int MaxBytes => Build(65535, new string('0', 64)).Sum(l => l.Key.Length + l.Value.Length);

    /// <summary>
    /// The labels to register: the configured ones, plus Dubbo's when <paramref name="options"/> asks for them.
    /// Dubbo's names are reserved: with RegisterLabels on they replace a configured label of the same key.
    /// </summary>
    public static Dictionary<string, string> With(IntrospectionProviderOptions options, IEnumerable<KeyValuePair<string, string>> labels, int port, string revision)
    {
        var result = new Dictionary<string, string>(labels, StringComparer.Ordinal);
        if (options.Dubbo is { Enabled: true, RegisterLabels: true })
        {
            foreach (var (key, value) in Build(port, revision))
            {
                result[key] = value;
            }
        }

        return result;
    }

    private static Dictionary<string, string> Build(int port, string revision)
    {
        var portText = port.ToString(CultureInfo.InvariantCulture);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [MetadataVersionKey] = DubboMetadataGrpcService.ServiceVersion,
            [StorageTypeKey] = "local",
            // Strings in url-params (Dubbo stores URL parameters as strings), a number in endpoints (Dubbo's Endpoint.port is an int).
            [UrlParamsKey] = $"{{\"port\":\"{portText}\",\"protocol\":\"{DubboMetadataMapping.TripleProtocol}\"}}",
            [EndpointsKey] = $"[{{\"port\":{portText},\"protocol\":\"{DubboMetadataMapping.TripleProtocol}\"}}]",
            [RevisionKey] = revision,
        };
    }
}
