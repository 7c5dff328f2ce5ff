namespace Introspection.Registry.Stores.Redis;

internal sealed partial class RedisRegistryStore
{
    // EventIds 400-499 belong to the Redis store (300-399: watch).
    private static partial class Log
    {
        [LoggerMessage(400, LogLevel.Information, "Redis store connecting to {Endpoints} with key prefix {Prefix}.")]
        public static partial void Connecting(ILogger logger, string endpoints, string prefix);

        [LoggerMessage(401, LogLevel.Warning, "Redis store unavailable, registry calls answer UNAVAILABLE until it is back: {Reason}")]
        public static partial void RedisUnavailable(ILogger logger, string reason, Exception? exception);

        [LoggerMessage(402, LogLevel.Information, "Redis store available again.")]
        public static partial void RedisAvailable(ILogger logger);

        [LoggerMessage(403, LogLevel.Warning, "Redis connection to {Endpoint} failed ({FailureType}).")]
        public static partial void ConnectionFailed(ILogger logger, string? endpoint, StackExchange.Redis.ConnectionFailureType failureType, Exception? exception);

        [LoggerMessage(404, LogLevel.Information, "Redis connection to {Endpoint} restored.")]
        public static partial void ConnectionRestored(ILogger logger, string? endpoint);

        [LoggerMessage(405, LogLevel.Warning, "Nobody could reach Redis for {Gap}: every lease was extended by that much so none lapses because of the outage.")]
        public static partial void LeasesExtended(ILogger logger, TimeSpan gap);

        [LoggerMessage(406, LogLevel.Error, "Redis store clock heartbeat failed.")]
        public static partial void HeartbeatFailed(ILogger logger, Exception exception);

        [LoggerMessage(407, LogLevel.Debug, "Redis store subscribed to {Channel}.")]
        public static partial void Subscribed(ILogger logger, string channel);

        [LoggerMessage(408, LogLevel.Warning, "A Redis command failed without an outage (slow or busy Redis): that call answers UNAVAILABLE, leases and sweeps go on as usual. {Reason}")]
        public static partial void RedisSlow(ILogger logger, string reason, Exception exception);

        [LoggerMessage(409, LogLevel.Warning, "Only {Acknowledged} of {Required} Redis replicas acknowledged a write within {Timeout}: the call answers UNAVAILABLE (the write is on the primary but could be lost on failover).")]
        public static partial void ReplicasBehind(ILogger logger, long acknowledged, int required, TimeSpan timeout);
    }
}
