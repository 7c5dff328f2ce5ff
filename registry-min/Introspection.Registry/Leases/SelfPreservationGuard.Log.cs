namespace Introspection.Registry.Leases;

internal sealed partial class SelfPreservationGuard
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 200, EventName = "SelfPreservationEntered", Level = LogLevel.Warning, Message = "SELF-PRESERVATION: {Lapsed} of {Leases} established leases lapsed within {Window} (threshold {Threshold:P0}). Eviction is PAUSED: the registry's own network is the likely cause. Lapsed instances stay registered until renewals recover.")]
        public static partial void Paused(ILogger logger, long lapsed, long leases, TimeSpan window, double threshold);

        [LoggerMessage(EventId = 201, EventName = "SelfPreservationActive", Level = LogLevel.Warning, Message = "SELF-PRESERVATION still active: {Lapsed} of {Leases} established leases are lapsed; eviction stays paused.")]
        public static partial void StillPaused(ILogger logger, long lapsed, long leases);

        [LoggerMessage(EventId = 202, EventName = "SelfPreservationLeft", Level = LogLevel.Warning, Message = "Self-preservation over: {Lapsed} of {Leases} established leases lapsed; eviction resumes.")]
        public static partial void Resumed(ILogger logger, long lapsed, long leases);
    }
}
