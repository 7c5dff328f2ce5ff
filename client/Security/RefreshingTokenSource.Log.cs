using Microsoft.Extensions.Logging;

namespace Introspection.Client;

public sealed partial class RefreshingTokenSource
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 500, EventName = "TokenRenewed", Level = LogLevel.Debug,
            Message = "Bearer token renewed; it expires at {ExpiresAt}.")]
        public static partial void Renewed(ILogger logger, DateTimeOffset? expiresAt);

        [LoggerMessage(EventId = 501, EventName = "TokenRenewalFailed", Level = LogLevel.Warning,
            Message = "Bearer token renewal failed; the last good token is used until {ValidUntil} (none when empty).")]
        public static partial void RenewalFailed(ILogger logger, DateTimeOffset? validUntil, Exception exception);
    }
}
