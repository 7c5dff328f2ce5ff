using Microsoft.Extensions.Logging;

namespace Introspection.Client.Internal;

internal sealed partial class RegistryWatchLoop
{
    // EventIds are the client's (the loop logs through the client's logger), kept from before the split.
    private static partial class Log
    {
        [LoggerMessage(EventId = 101, EventName = "WatchOpened", Level = LogLevel.Information,
            Message = "Watching {AppCount} apps on registry {Address} (since revision {SinceRevision}).")]
        public static partial void WatchOpened(ILogger logger, Uri address, int appCount, long sinceRevision);

        [LoggerMessage(EventId = 102, EventName = "WatchOpenFailed", Level = LogLevel.Warning,
            Message = "Could not open a Watch stream on registry {Address}; serving the cached view and retrying.")]
        public static partial void WatchOpenFailed(ILogger logger, Uri address, Exception exception);

        [LoggerMessage(EventId = 103, EventName = "WatchBroken", Level = LogLevel.Warning,
            Message = "The Watch stream on registry {Address} broke after revision {Revision}; serving the cached view and reconnecting.")]
        public static partial void WatchBroken(ILogger logger, Uri address, long revision, Exception? exception);

        [LoggerMessage(EventId = 104, EventName = "WatchSnapshot", Level = LogLevel.Debug,
            Message = "Applied a registry snapshot at revision {Revision}: {InstanceCount} instances, {MappingCount} mappings (reset: {Reset}).")]
        public static partial void WatchSnapshot(ILogger logger, long revision, int instanceCount, int mappingCount, bool reset);
    }
}
