namespace Introspection.Registry.Services;

internal sealed partial class RenewalOutageLog
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 103, EventName = "KeepAliveStoreUnavailable", Level = LogLevel.Warning, Message = "Renewals are failing: the store is unavailable (answered UNAVAILABLE per renewal; logged once until it recovers).")]
        public static partial void OutageBegan(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 104, EventName = "KeepAliveStoreStillUnavailable", Level = LogLevel.Debug, Message = "A renewal failed: the store is still unavailable ({Reason}).")]
        public static partial void StillUnavailable(ILogger logger, string reason);

        [LoggerMessage(EventId = 105, EventName = "KeepAliveStoreRecovered", Level = LogLevel.Information, Message = "Renewals succeed again: the store is available.")]
        public static partial void Recovered(ILogger logger);
    }
}
