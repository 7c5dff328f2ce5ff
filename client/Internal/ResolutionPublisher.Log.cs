using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Introspection.Client.Internal;

internal sealed partial class ResolutionPublisher
{
    // EventIds are the client's (the publisher logs through the client's logger), kept from before the split.
    private static partial class Log
    {
        [LoggerMessage(EventId = 120, EventName = "ResolutionChanged", Level = LogLevel.Debug,
            Message = "{Target} now resolves to {EndpointCount} endpoints ({StatusCode}).")]
        public static partial void ResolutionChanged(ILogger logger, string target, int endpointCount, StatusCode statusCode);

        [LoggerMessage(EventId = 121, EventName = "SubscriberFailed", Level = LogLevel.Error,
            Message = "A subscriber of {Target} threw.")]
        public static partial void SubscriberFailed(ILogger logger, string target, Exception exception);

        [LoggerMessage(EventId = 122, EventName = "RecomputeFailed", Level = LogLevel.Error,
            Message = "Recomputing the resolved services failed; the previous answers stay in place.")]
        public static partial void RecomputeFailed(ILogger logger, Exception exception);
    }
}
