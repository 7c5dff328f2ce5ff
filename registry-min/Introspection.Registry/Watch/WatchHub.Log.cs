namespace Introspection.Registry.Watch;

internal sealed partial class WatchHub
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 300, EventName = "WatchStoreUnavailable", Level = LogLevel.Warning, Message = "The store is unavailable; the watch pump retries every second until it answers.")]
        public static partial void StoreUnavailable(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 304, EventName = "WatchStoreStillUnavailable", Level = LogLevel.Debug, Message = "The store is still unavailable ({Failures} attempts): {Reason}")]
        public static partial void StoreStillUnavailable(ILogger logger, int failures, string reason);

        [LoggerMessage(EventId = 305, EventName = "WatchStoreRecovered", Level = LogLevel.Information, Message = "The store answers the watch pump again after {Failures} failed attempt(s).")]
        public static partial void StoreRecovered(ILogger logger, int failures);

        [LoggerMessage(EventId = 301, EventName = "WatchPumpFailed", Level = LogLevel.Error, Message = "The watch pump failed; it retries.")]
        public static partial void PumpFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 302, EventName = "WatchPumpHistoryLost", Level = LogLevel.Warning, Message = "The change history after revision {Revision} is gone (store now at {CurrentRevision}); resetting {WatcherCount} watchers to a snapshot.")]
        public static partial void PumpHistoryLost(ILogger logger, long revision, long currentRevision, int watcherCount);

        [LoggerMessage(EventId = 303, EventName = "WatcherOverflowed", Level = LogLevel.Information, Message = "A watcher in namespace '{Namespace}' fell more than {Capacity} events behind; it gets a reset snapshot.")]
        public static partial void WatcherOverflowed(ILogger logger, string @namespace, int capacity);
    }
}
