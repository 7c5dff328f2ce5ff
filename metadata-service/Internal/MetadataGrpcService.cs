using Grpc.Core;
using Introspection.Protocol;
using Introspection.Protocol.Metadata.V1;

namespace Introspection.Provider.Internal;

/// <summary>Serves the instance's metadata by revision.</summary>
[BindServiceMethod(typeof(MetadataGrpcServiceBinding), nameof(MetadataGrpcServiceBinding.BindService))]
internal sealed class MetadataGrpcService : MetadataService.MetadataServiceBase
{
    private const int MaxEchoedLength = 80;

    private readonly ProviderMetadata _metadata;
    private readonly ProviderMetrics _metrics;

    public MetadataGrpcService(ProviderMetadata metadata, ProviderMetrics metrics)
    {
        _metadata = metadata;
        _metrics = metrics;
    }

    public override Task<MetadataInfo> GetMetadataInfo(GetMetadataInfoRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var revision = request.Revision;
        if (string.IsNullOrEmpty(revision))
        {
            _metrics.MetadataRequest("INVALID_ARGUMENT");
            throw new RpcException(new Status(StatusCode.InvalidArgument, "revision is required: \"0\" or 64 lowercase hex characters."));
        }

        if (!MetadataRevision.IsWellFormed(revision))
        {
            _metrics.MetadataRequest("INVALID_ARGUMENT");
            var echoed = revision.Length > MaxEchoedLength ? revision[..MaxEchoedLength] + "..." : revision;
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"revision '{echoed}' is malformed: expected \"0\" or 64 lowercase hex characters."));
        }

        var info = _metadata.Find(revision);
        if (info is null)
        {
            // Never empty metadata for an unknown revision: a consumer would cache it as truth.
            _metrics.MetadataRequest("NOT_FOUND", revision);
            throw new RpcException(new Status(StatusCode.NotFound, $"revision {revision} is not served by this instance (current: {_metadata.Current.Revision})."));
        }

        _metrics.MetadataRequest("OK", revision);
        return Task.FromResult(info);
    }
}
