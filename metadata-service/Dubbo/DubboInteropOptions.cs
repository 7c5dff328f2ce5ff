namespace Introspection.Provider;

/// <summary>
/// Apache Dubbo 3.3 interop of a provider (<c>Introspection:Provider:Dubbo</c>): serve
/// <c>org.apache.dubbo.metadata.MetadataServiceV2/GetMetadataInfo</c> beside our own MetadataService, and
/// optionally register the instance labels a Dubbo consumer reads. Both are off by default.
/// </summary>
public sealed class DubboInteropOptions
{
    /// <summary>
    /// When true, <c>app.MapIntrospectionMetadata()</c> also maps Dubbo's <c>MetadataServiceV2</c> on the app's
    /// gRPC port (same transport and same endpoint conventions as the app gives it; see
    /// <c>MapIntrospectionDubboMetadata</c> to map it on its own). Default: false.
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// When true (and <see cref="Enabled"/>), the instance registers Dubbo's instance labels:
    /// <c>meta-v</c>, <c>dubbo.metadata.storage-type</c>, <c>dubbo.metadata-service.url-params</c>,
    /// <c>dubbo.endpoints</c> and <c>dubbo.metadata.revision</c> (five of the registry's labels; the
    /// options validator checks that they fit its default caps together with <c>Labels</c>). Default: false.
    /// </summary>
    public bool RegisterLabels { get; set; }
}
