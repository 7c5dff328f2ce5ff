namespace Introspection.Registry.Leases;

internal sealed partial class LeaseSweeper
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 210, EventName = "LeaseEvicted", Level = LogLevel.Information, Message = "Lease {LeaseId} lapsed: evicted {Namespace}/{App}/{InstanceId} at revision {Revision}.")]
        public static partial void Evicted(ILogger logger, string @namespace, string app, string instanceId, long leaseId, long revision);

        [LoggerMessage(EventId = 211, EventName = "SweepStoreUnavailable", Level = LogLevel.Warning, Message = "The store is unavailable; this sweep is skipped and nothing is evicted.")]
        public static partial void StoreUnavailable(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 212, EventName = "SweepFailed", Level = LogLevel.Error, Message = "A lease sweep failed; the next one retries.")]
        public static partial void SweepFailed(ILogger logger, Exception exception);
    }
}
