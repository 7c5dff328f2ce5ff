namespace Introspection.Registry;

public static partial class RegistryApplication
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 500, EventName = "LegacySectionIgnored", Level = LogLevel.Warning, Message = "Configuration section '{Legacy}' is ignored: the registry's settings moved to '{Current}' (e.g. --Introspection:Registry:Store=redis, env Introspection__Registry__Store=redis).")]
        public static partial void LegacySectionIgnored(ILogger logger, string legacy, string current);
    }
}
