using System.Collections.Concurrent;
using Grpc.Core;
using Introspection.Protocol.Metadata.V1;

namespace Introspection.Bench.Load;

/// <summary>
/// A real MetadataService endpoint standing for every instance of the builds it knows: instances of
/// one build serve identical metadata, so a few endpoints on 127.0.0.x can stand for thousands of
/// simulated instances without changing what a consumer fetches or how often.
/// </summary>
internal sealed class MetadataCatalogService : MetadataService.MetadataServiceBase
{
    private readonly MetadataCatalog _catalog;

    public MetadataCatalogService(MetadataCatalog catalog)
    {
        _catalog = catalog;
    }

    public override Task<MetadataInfo> GetMetadataInfo(GetMetadataInfoRequest request, ServerCallContext context)
    {
        if (!_catalog.Revisions.TryGetValue(request.Revision, out var info))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"revision '{request.Revision}' is not served here"));
        }

        Interlocked.Increment(ref _catalog.Served);
        Interlocked.Add(ref _catalog.ServedBytes, info.CalculateSize());
        return Task.FromResult(info);
    }
}
