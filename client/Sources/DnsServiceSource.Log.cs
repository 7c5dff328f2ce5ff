using Microsoft.Extensions.Logging;

namespace Introspection.Client.Sources;

internal sealed partial class DnsServiceSource
{
    // EventIds 170-179 of the client's logger: per-service sources (DNS here, registry groups in IntrospectionClient).
    private static partial class Log
    {
        [LoggerMessage(EventId = 170, EventName = "DnsServiceResolved", Level = LogLevel.Information,
            Message = "Service '{Service}' from DNS name {Host}: {Count} addresses (TTL {TtlSeconds} s; -1: none reported).")]
        public static partial void Resolved(ILogger logger, string service, string host, int count, double ttlSeconds);

        [LoggerMessage(EventId = 171, EventName = "DnsLookupFailed", Level = LogLevel.Warning,
            Message = "DNS lookup of {Host} for service '{Service}' failed; keeping the last good {Kept} addresses: {Reason}")]
        public static partial void LookupFailed(ILogger logger, string service, string host, int kept, string reason, Exception exception);

        [LoggerMessage(EventId = 172, EventName = "DnsEmptyAnswerIgnored", Level = LogLevel.Warning,
            Message = "DNS name {Host} of service '{Service}' answered {Answer}; empty protection keeps its last {Kept} addresses.")]
        public static partial void EmptyAnswerIgnored(ILogger logger, string service, string host, string answer, int kept);
    }
}
