using Microsoft.Extensions.Logging;

namespace Introspection.Client.Internal;

internal sealed partial class ViewSnapshotPersistence
{
    // EventIds are the client's (snapshots are logged through the client's logger), kept from before the split.
    private static partial class Log
    {
        [LoggerMessage(EventId = 140, EventName = "SnapshotLoaded", Level = LogLevel.Information,
            Message = "Loaded the discovery snapshot {Path} saved at {SavedAt}: {AppCount} apps, {InstanceCount} instances, {MetadataCount} metadata revisions.")]
        public static partial void SnapshotLoaded(ILogger logger, string path, DateTimeOffset savedAt, int appCount, int instanceCount, int metadataCount);

        [LoggerMessage(EventId = 141, EventName = "SnapshotIgnored", Level = LogLevel.Warning,
            Message = "Ignoring (part of) the discovery snapshot {Path}: {Reason}.")]
        public static partial void SnapshotIgnored(ILogger logger, string path, string reason);

        [LoggerMessage(EventId = 142, EventName = "SnapshotMetadataRejected", Level = LogLevel.Warning,
            Message = "Ignoring snapshot metadata of app '{App}' revision {Revision}: {Reason}.")]
        public static partial void SnapshotMetadataRejected(ILogger logger, string app, string revision, string reason);

        [LoggerMessage(EventId = 143, EventName = "SnapshotWritten", Level = LogLevel.Debug,
            Message = "Wrote the discovery snapshot {Path} ({AppCount} apps).")]
        public static partial void SnapshotWritten(ILogger logger, string path, int appCount);

        [LoggerMessage(EventId = 144, EventName = "SnapshotWriteFailed", Level = LogLevel.Warning,
            Message = "Could not write the discovery snapshot {Path}.")]
        public static partial void SnapshotWriteFailed(ILogger logger, string path, Exception exception);
    }
}
