using Grpc.Core;
using Introspection.Protocol.Metadata.V1;
using Introspection.Protocol.Registry.V1;
using Microsoft.Extensions.Logging;

namespace Introspection.Client.Internal;

/// <summary>
/// Our MetadataService first; Dubbo 3.3's MetadataServiceV2 when the instance does not serve ours (UNIMPLEMENTED)
/// or its labels say it is a Dubbo provider (<see cref="DubboMetadataFetcher.LabelsSayDubbo"/>). Which form was
/// used is logged (EventId 220), so an operator can tell a Dubbo-read entry from a native one.
/// </summary>
internal sealed partial class DubboFallbackMetadataFetcher : IMetadataFetcher
{
    private readonly IMetadataFetcher _introspection;
    private readonly DubboMetadataFetcher _dubbo;
    private readonly ILogger _logger;

    public DubboFallbackMetadataFetcher(IMetadataFetcher introspection, DubboMetadataFetcher dubbo, ILoggerFactory loggerFactory)
    {
        _introspection = introspection;
        _dubbo = dubbo;
        _logger = loggerFactory.CreateLogger<DubboFallbackMetadataFetcher>();
    }

    public async Task<MetadataInfo> FetchAsync(Instance instance, string revision, CancellationToken cancellationToken)
    {
        string reason;
        if (DubboMetadataFetcher.LabelsSayDubbo(instance, revision))
        {
            reason = "labels";
        }
        else
        {
            try
            {
                return await _introspection.FetchAsync(instance, revision, cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unimplemented)
            {
                // No introspection.metadata.v1.MetadataService there: perhaps a provider that only speaks Dubbo's.
                reason = "unimplemented";
            }
        }

        var read = await _dubbo.FetchAsync(instance, revision, cancellationToken).ConfigureAwait(false);
        Log.ReadThroughDubbo(_logger, instance.App, revision, instance.InstanceId, read.DubboRevision, read.DubboRevisionCheck, reason);
        return read.Info;
    }
}
