using Microsoft.Extensions.Logging;

namespace Introspection.Client.Internal;

internal sealed partial class MetadataCache
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 200, EventName = "MetadataCached", Level = LogLevel.Debug,
            Message = "Cached metadata of app '{App}' revision {Revision} ({ServiceCount} services) fetched from instance '{InstanceId}'.")]
        public static partial void MetadataCached(ILogger logger, string app, string revision, int serviceCount, string instanceId);

        [LoggerMessage(EventId = 201, EventName = "MetadataFetchFailed", Level = LogLevel.Warning,
            Message = "Fetching metadata of app '{App}' revision {Revision} from instance '{InstanceId}' at {Host}:{Port} failed; trying another instance.")]
        public static partial void FetchFailed(ILogger logger, string app, string revision, string instanceId, string host, int port, Exception exception);

        [LoggerMessage(EventId = 202, EventName = "MetadataRejected", Level = LogLevel.Warning,
            Message = "Rejected metadata of app '{App}' revision {Revision} from instance '{InstanceId}' at {Host}:{Port}: {Reason}. It is not cached; trying another instance.")]
        public static partial void MetadataRejected(ILogger logger, string app, string revision, string instanceId, string host, int port, string reason);

        [LoggerMessage(EventId = 203, EventName = "MetadataFetchRoundFailed", Level = LogLevel.Warning,
            Message = "No instance of app '{App}' answered valid metadata for revision {Revision} (round {Round}, {InstanceCount} instances); retrying in {Delay}.")]
        public static partial void FetchRoundFailed(ILogger logger, string app, string revision, int round, int instanceCount, TimeSpan delay);

        [LoggerMessage(EventId = 204, EventName = "MetadataFetchAbandoned", Level = LogLevel.Debug,
            Message = "Stopped fetching metadata of app '{App}' revision {Revision}: no instance serves it any more.")]
        public static partial void FetchAbandoned(ILogger logger, string app, string revision);

        [LoggerMessage(EventId = 205, EventName = "MetadataFetchCrashed", Level = LogLevel.Error,
            Message = "The metadata fetch of app '{App}' revision {Revision} stopped unexpectedly.")]
        public static partial void FetchCrashed(ILogger logger, string app, string revision, Exception exception);

        [LoggerMessage(EventId = 206, EventName = "MetadataChangedHandlerFailed", Level = LogLevel.Error,
            Message = "A metadata change handler threw.")]
        public static partial void ChangedHandlerFailed(ILogger logger, Exception exception);
    }
}
