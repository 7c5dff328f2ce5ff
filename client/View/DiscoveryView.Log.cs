using Microsoft.Extensions.Logging;

namespace Introspection.Client.View;

internal sealed partial class DiscoveryView
{
    // EventIds are the client's (the view logs through the client's logger), kept from before the split.
    private static partial class Log
    {
        [LoggerMessage(EventId = 105, EventName = "UnknownWatchMessage", Level = LogLevel.Warning,
            Message = "Ignored a Watch message of unknown kind {Kind}.")]
        public static partial void UnknownWatchMessage(ILogger logger, int kind);

        [LoggerMessage(EventId = 130, EventName = "EmptyProtectionEngaged", Level = LogLevel.Warning,
            Message = "Empty protection: the registry lists no instance of app '{App}'; keeping its last {InstanceCount} instances.")]
        public static partial void EmptyProtectionEngaged(ILogger logger, string app, int instanceCount);

        [LoggerMessage(EventId = 131, EventName = "EmptyProtectionReleased", Level = LogLevel.Information,
            Message = "Empty protection released: app '{App}' has {InstanceCount} registered instances again.")]
        public static partial void EmptyProtectionReleased(ILogger logger, string app, int instanceCount);

        [LoggerMessage(EventId = 132, EventName = "EmptyProtectionKeptMapping", Level = LogLevel.Warning,
            Message = "Empty protection: the registry no longer maps service '{Service}' to app '{App}'; keeping the mapping while the app has {InstanceCount} instances routed to.")]
        public static partial void EmptyProtectionKeptMapping(ILogger logger, string service, string app, int instanceCount);

        [LoggerMessage(EventId = 133, EventName = "EmptyProtectionMappingReleased", Level = LogLevel.Information,
            Message = "Empty protection released the mapping of service '{Service}' to app '{App}': {Reason}.")]
        public static partial void EmptyProtectionMappingReleased(ILogger logger, string service, string app, string reason);
    }
}
