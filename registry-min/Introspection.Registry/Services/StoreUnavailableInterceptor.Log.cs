namespace Introspection.Registry.Services;

internal sealed partial class StoreUnavailableInterceptor
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 110, EventName = "CallStoreUnavailable", Level = LogLevel.Warning, Message = "{Method} answered UNAVAILABLE: the store is unavailable.")]
        public static partial void StoreUnavailable(ILogger logger, string method, Exception exception);

        [LoggerMessage(EventId = 111, EventName = "CallLimitExceeded", Level = LogLevel.Information, Message = "{Method} answered RESOURCE_EXHAUSTED: {Reason}")]
        public static partial void LimitExceeded(ILogger logger, string method, string reason);
    }
}
