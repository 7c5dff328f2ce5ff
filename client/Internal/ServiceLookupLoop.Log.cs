using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Introspection.Client.Internal;

internal sealed partial class ServiceLookupLoop
{
    // EventIds are the client's (the loop logs through the client's logger), kept from before the split.
    private static partial class Log
    {
        [LoggerMessage(EventId = 110, EventName = "ServiceLookedUp", Level = LogLevel.Debug,
            Message = "Service '{Service}' is provided by {AppCount} apps.")]
        public static partial void ServiceLookedUp(ILogger logger, string service, int appCount);

        [LoggerMessage(EventId = 111, EventName = "ServiceLookupFailed", Level = LogLevel.Warning,
            Message = "Looking up the apps of service '{Service}' failed with {StatusCode}; retrying.")]
        public static partial void ServiceLookupFailed(ILogger logger, string service, StatusCode statusCode, Exception exception);
    }
}
