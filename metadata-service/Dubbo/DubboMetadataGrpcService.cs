using Grpc.Core;
using Introspection.Protocol;
using Introspection.Provider.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Org.Apache.Dubbo.Metadata;

namespace Introspection.Provider.Dubbo;

/// <summary>
/// Serves Apache Dubbo 3.3's <c>org.apache.dubbo.metadata.MetadataServiceV2/GetMetadataInfo</c> from the same
/// revision history as our MetadataService, so a Dubbo consumer can read this instance's metadata.
/// </summary>
/// <remarks>
/// <para><b>Unknown revision: NOT_FOUND.</b> Dubbo 3.3's own provider (<c>MetadataServiceDelegationV2.getMetadataInfo</c>,
/// apache/dubbo, dubbo-registry-api, <c>org.apache.dubbo.registry.client.metadata</c>) returns <c>null</c> for an
/// empty or unknown revision (logging "metadataV2 not found"): no metadata reaches the consumer, whose call fails (we
/// read the source; no JVM ran here). The consumer (<c>MetadataUtils.getRemoteMetadata</c>) turns every failure into
/// <c>MetadataInfo.EMPTY</c>, which <c>AbstractServiceDiscovery.getRemoteMetadata</c> treats as a miss: it tries again
/// up to 3 times (1 s apart, each time on a randomly selected instance) and caches nothing. An error status is
/// therefore what a Dubbo consumer handles as a miss. An empty
/// <c>MetadataInfoV2</c> would be worse: it is not the <c>EMPTY</c> sentinel, so the consumer would cache "no
/// services" under that revision (and our own client would too, were it not for its revision check).</para>
/// <para><b>Headers.</b> A Dubbo consumer addresses the metadata service of one application: <c>tri-service-group:
/// &lt;app&gt;</c>, <c>tri-service-version: 2.0.0</c>. Absent headers are accepted (grpcurl and plain gRPC clients do not
/// send them; our own client does). A group naming another app answers NOT_FOUND: the consumer holds a stale address (the host:port now
/// belongs to this app), and answering this app's metadata would let it cache one app's services under another's
/// revision; NOT_FOUND is a miss it retries (any failed call is). A version other than 2.0.0 answers NOT_FOUND for the same reason.</para>
/// </remarks>
[BindServiceMethod(typeof(DubboMetadataGrpcServiceBinding), nameof(DubboMetadataGrpcServiceBinding.BindService))]
internal sealed partial class DubboMetadataGrpcService : MetadataServiceV2.MetadataServiceV2Base
{
    /// <summary>The header that names the application whose metadata service is called.</summary>
    public const string GroupHeader = "tri-service-group";

    /// <summary>The header that names the metadata service version.</summary>
    public const string VersionHeader = "tri-service-version";

    /// <summary>The version of <c>MetadataServiceV2</c> (Dubbo's <c>MetadataServiceDelegationV2.VERSION</c>).</summary>
    public const string ServiceVersion = "2.0.0";

    private const int MaxEchoedLength = 80;

    private readonly ProviderMetadata _metadata;
    private readonly ProviderLifecycle _lifecycle;
    private readonly ProviderMetrics _metrics;
    private readonly ILogger<DubboMetadataGrpcService> _logger;

    public DubboMetadataGrpcService(ProviderMetadata metadata, ProviderLifecycle lifecycle, ProviderMetrics metrics, ILogger<DubboMetadataGrpcService> logger)
    {
        _metadata = metadata;
        _lifecycle = lifecycle;
        _metrics = metrics;
        _logger = logger;
    }

    public override Task<MetadataInfoV2> GetMetadataInfo(MetadataRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var app = _metadata.App;
        var group = context.RequestHeaders.GetValue(GroupHeader);
        if (group is not null && !string.Equals(group, app, StringComparison.Ordinal))
        {
            Log.OtherApp(_logger, Echo(group), app);
            throw Fail(StatusCode.NotFound, $"this instance serves the metadata of app '{app}', not of '{Echo(group)}' ({GroupHeader}).");
        }

        var version = context.RequestHeaders.GetValue(VersionHeader);
        if (version is not null && !string.Equals(version, ServiceVersion, StringComparison.Ordinal))
        {
            throw Fail(StatusCode.NotFound, $"this instance serves MetadataServiceV2 version {ServiceVersion}, not '{Echo(version)}' ({VersionHeader}).");
        }

        var revision = request.Revision;
        if (revision.Length == 0)
        {
            throw Fail(StatusCode.InvalidArgument, "revision is required: the value of the instance's dubbo.metadata.revision label.");
        }

        if (!MetadataRevision.IsWellFormed(revision))
        {
            // Dubbo consumers only ask for the revision this instance advertised, which is always well formed.
            throw Fail(StatusCode.InvalidArgument, $"revision '{Echo(revision)}' is malformed: expected \"0\" or 64 lowercase hex characters.");
        }

        var info = _metadata.Find(revision);
        if (info is null)
        {
            throw Fail(StatusCode.NotFound, $"revision {revision} is not served by this instance (current: {_metadata.Current.Revision}).");
        }

        // The port Dubbo consumers dial: the registered one once known, else the one this call came in on.
        var port = _lifecycle.Instance?.Port ?? context.GetHttpContext().Connection.LocalPort;
        _metrics.MetadataRequest("OK");
        return Task.FromResult(DubboMetadataMapping.ToV2(info, port));
    }

    private static string Echo(string value) => value.Length > MaxEchoedLength ? value[..MaxEchoedLength] + "..." : value;

    private RpcException Fail(StatusCode code, string detail)
    {
        _metrics.MetadataRequest(code == StatusCode.NotFound ? "NOT_FOUND" : "INVALID_ARGUMENT");
        return new RpcException(new Status(code, detail));
    }
}
