namespace Introspection.Registry.Dashboard;

internal sealed partial class DashboardFeed
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 700, EventName = "DashboardFeedFailed", Level = LogLevel.Warning, Message = "The dashboard's change feed failed; it retries every second (the registry is not affected).")]
        public static partial void PumpFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 702, EventName = "DashboardFeedStoreUnavailable", Level = LogLevel.Debug, Message = "The dashboard's change feed waits for the store: {Reason}")]
        public static partial void StoreUnavailable(ILogger logger, string reason);

        [LoggerMessage(EventId = 701, EventName = "DashboardFeedHistoryLost", Level = LogLevel.Information, Message = "The dashboard's change feed fell behind the kept history after revision {Revision} (store now at {CurrentRevision}); open pages re-read their state.")]
        public static partial void HistoryLost(ILogger logger, long revision, long currentRevision);
    }
}
