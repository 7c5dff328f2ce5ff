using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Introspection.Wire;

internal sealed partial class WireErrorLog
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 120, EventName = "MalformedRequest", Level = LogLevel.Warning, Message = "{Method}: malformed request answered {StatusCode}: {Detail} ({Suppressed} more since the last such line; at most one line per {IntervalSeconds} s per method).")]
        public static partial void MalformedRequest(ILogger logger, string method, StatusCode statusCode, string detail, long suppressed, int intervalSeconds);
    }
}
