using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Introspection.Client;

public sealed partial class IntrospectionClient
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 100, EventName = "ClientStarted", Level = LogLevel.Information,
            Message = "Introspection client started: {RegistryCount} registry addresses, namespace '{Namespace}', snapshot {SnapshotPath}.")]
        public static partial void Started(ILogger logger, int registryCount, string @namespace, string snapshotPath);

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

        [LoggerMessage(EventId = 105, EventName = "UnknownWatchMessage", Level = LogLevel.Warning,
            Message = "Ignored a Watch message of unknown kind {Kind}.")]
        public static partial void UnknownWatchMessage(ILogger logger, int kind);

        [LoggerMessage(EventId = 110, EventName = "ServiceLookedUp", Level = LogLevel.Debug,
            Message = "Service '{Service}' is provided by {AppCount} apps.")]
        public static partial void ServiceLookedUp(ILogger logger, string service, int appCount);

        [LoggerMessage(EventId = 111, EventName = "ServiceLookupFailed", Level = LogLevel.Warning,
            Message = "Looking up the apps of service '{Service}' failed with {StatusCode}; retrying.")]
        public static partial void ServiceLookupFailed(ILogger logger, string service, StatusCode statusCode, Exception exception);

        [LoggerMessage(EventId = 112, EventName = "StaticEndpointsUsed", Level = LogLevel.Warning,
            Message = "Service '{Service}' is pinned to {Endpoints} by configuration (IP direct); the registry is not used for it.")]
        public static partial void StaticEndpointsUsed(ILogger logger, string service, string endpoints);

        [LoggerMessage(EventId = 120, EventName = "ResolutionChanged", Level = LogLevel.Debug,
            Message = "{Target} now resolves to {EndpointCount} endpoints ({StatusCode}).")]
        public static partial void ResolutionChanged(ILogger logger, string target, int endpointCount, StatusCode statusCode);

        [LoggerMessage(EventId = 121, EventName = "SubscriberFailed", Level = LogLevel.Error,
            Message = "A subscriber of {Target} threw.")]
        public static partial void SubscriberFailed(ILogger logger, string target, Exception exception);

        [LoggerMessage(EventId = 122, EventName = "RecomputeFailed", Level = LogLevel.Error,
            Message = "Recomputing the resolved services failed; the previous answers stay in place.")]
        public static partial void RecomputeFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 130, EventName = "EmptyProtectionEngaged", Level = LogLevel.Warning,
            Message = "Empty protection: the registry lists no instance of app '{App}'; keeping its last {InstanceCount} instances.")]
        public static partial void EmptyProtectionEngaged(ILogger logger, string app, int instanceCount);

        [LoggerMessage(EventId = 131, EventName = "EmptyProtectionReleased", Level = LogLevel.Information,
            Message = "Empty protection released: app '{App}' has {InstanceCount} registered instances again.")]
        public static partial void EmptyProtectionReleased(ILogger logger, string app, int instanceCount);

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
