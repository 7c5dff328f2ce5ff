namespace Introspection.Registry.Watch;

internal sealed partial class WatchSession
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 310, EventName = "WatchStarted", Level = LogLevel.Debug, Message = "Watch started in namespace '{Namespace}' ({AppCount} apps, 0 = all), since revision {SinceRevision}.")]
        public static partial void WatchStarted(ILogger logger, string @namespace, int appCount, long sinceRevision);

        [LoggerMessage(EventId = 311, EventName = "WatchEnded", Level = LogLevel.Debug, Message = "Watch in namespace '{Namespace}' ended.")]
        public static partial void WatchEnded(ILogger logger, string @namespace);

        [LoggerMessage(EventId = 312, EventName = "WatchHistoryLost", Level = LogLevel.Information, Message = "Watch in namespace '{Namespace}' resumed from revision {SinceRevision}, which is outside the kept history; sending a reset snapshot.")]
        public static partial void WatchHistoryLost(ILogger logger, string @namespace, long sinceRevision);

        [LoggerMessage(EventId = 313, EventName = "WatchReset", Level = LogLevel.Information, Message = "Watch in namespace '{Namespace}' at revision {Revision} fell behind; sending a reset snapshot.")]
        public static partial void WatchReset(ILogger logger, string @namespace, long revision);
    }
}
