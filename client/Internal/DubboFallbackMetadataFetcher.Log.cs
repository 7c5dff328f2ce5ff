using Microsoft.Extensions.Logging;

namespace Introspection.Client.Internal;

internal sealed partial class DubboFallbackMetadataFetcher
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 220, EventName = "MetadataReadThroughDubbo", Level = LogLevel.Information,
            Message = "Read metadata of app '{App}' revision {Revision} from instance '{InstanceId}' through Dubbo MetadataServiceV2 (Dubbo revision {DubboRevision}: {DubboRevisionCheck}; why: {Reason}); it is cached only if it hashes to the revision.")]
        public static partial void ReadThroughDubbo(ILogger logger, string app, string revision, string instanceId, string dubboRevision, string dubboRevisionCheck, string reason);
    }
}
