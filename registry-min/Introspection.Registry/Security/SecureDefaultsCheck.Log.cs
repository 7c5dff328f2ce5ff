namespace Introspection.Registry.Security;

internal sealed partial class SecureDefaultsCheck
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 620, EventName = "RefusedToStartWithoutAuthentication", Level = LogLevel.Critical, Message = "Refusing to start on {Addresses}: {Fix}")]
        public static partial void RefusedToStart(ILogger logger, string addresses, string fix);

        [LoggerMessage(EventId = 621, EventName = "AnonymousRegistryExposed", Level = LogLevel.Warning, Message = "The registry listens on {Addresses} without authentication (AllowAnonymous=true): anyone who reaches it may change everything.")]
        public static partial void AnonymousExposed(ILogger logger, string addresses);
    }
}
