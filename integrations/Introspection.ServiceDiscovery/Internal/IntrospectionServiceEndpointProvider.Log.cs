using Microsoft.Extensions.Logging;

namespace Introspection.ServiceDiscovery.Internal;

internal sealed partial class IntrospectionServiceEndpointProvider
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1, EventName = "Resolved", Level = LogLevel.Debug, Message = "App '{App}': {Added} of {Instances} instances given to service discovery.")]
        public static partial void Resolved(ILogger logger, string app, int added, int instances);

        [LoggerMessage(EventId = 2, EventName = "NotResolved", Level = LogLevel.Debug, Message = "App '{App}' not resolved by the registry ({Reason}); the next provider answers.")]
        public static partial void NotResolved(ILogger logger, string app, string reason);

        [LoggerMessage(EventId = 3, EventName = "SkippedResolved", Level = LogLevel.Debug, Message = "App '{App}' already resolved by an earlier provider; the registry is not asked.")]
        public static partial void SkippedResolved(ILogger logger, string app);

        [LoggerMessage(EventId = 4, EventName = "Changed", Level = LogLevel.Debug, Message = "App '{App}' changed ({Endpoints} endpoints): service discovery refreshes.")]
        public static partial void Changed(ILogger logger, string app, int endpoints);
    }
}
