namespace Introspection.Registry.Leases;

internal sealed partial class LeaseSweeper
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 210, EventName = "LeaseEvicted", Level = LogLevel.Information, Message = "Lease {LeaseId} lapsed: evicted {Namespace}/{App}/{InstanceId} at revision {Revision}.")]
        public static partial void Evicted(ILogger logger, string @namespace, string app, string instanceId, long leaseId, long revision);

        [LoggerMessage(EventId = 211, EventName = "SweepStoreUnavailable", Level = LogLevel.Warning, Message = "The store is unavailable; sweeps are skipped and nothing is evicted until it answers again.")]
        public static partial void StoreUnavailable(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 212, EventName = "SweepFailed", Level = LogLevel.Error, Message = "A lease sweep failed; the next one retries.")]
        public static partial void SweepFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 213, EventName = "SweepStoreStillUnavailable", Level = LogLevel.Debug, Message = "The store is still unavailable ({Failures} sweeps skipped): {Reason}")]
        public static partial void StoreStillUnavailable(ILogger logger, int failures, string reason);

        [LoggerMessage(EventId = 214, EventName = "SweepStoreRecovered", Level = LogLevel.Information, Message = "The store answers again after {Failures} skipped sweep(s); eviction resumes.")]
        public static partial void StoreRecovered(ILogger logger, int failures);

        [LoggerMessage(EventId = 215, EventName = "AppsUnmapped", Level = LogLevel.Information, Message = "Removed the service mappings of {Count} app(s) that had no instance for {UnmapAfter}.")]
        public static partial void Unmapped(ILogger logger, int count, TimeSpan unmapAfter);

        [LoggerMessage(EventId = 220, EventName = "LeaseProbeExtended", Level = LogLevel.Warning, Message = "Lease {LeaseId} of {Namespace}/{App}/{InstanceId} lapsed but {Host}:{Port} answers SERVING: renewed by the registry ({Count} of at most {Max} in a row). Its keep-alive to this registry is failing.")]
        public static partial void Extended(ILogger logger, string @namespace, string app, string instanceId, string host, int port, long leaseId, int count, int max);

        [LoggerMessage(EventId = 221, EventName = "LeaseProbeFailed", Level = LogLevel.Information, Message = "Lease of {Namespace}/{App}/{InstanceId} lapsed and the probe of {Host}:{Port} found {Outcome}: evicting.")]
        public static partial void ProbeFailed(ILogger logger, string @namespace, string app, string instanceId, string host, int port, ProbeOutcome outcome);

        [LoggerMessage(EventId = 222, EventName = "LeaseProbeLimitReached", Level = LogLevel.Warning, Message = "Lease {LeaseId} of {Namespace}/{App}/{InstanceId} was renewed by probes {Count} times in a row without a renewal of its own: evicting without probing.")]
        public static partial void ExtensionLimitReached(ILogger logger, string @namespace, string app, string instanceId, long leaseId, int count);

        [LoggerMessage(EventId = 223, EventName = "LeaseProbeBudgetSpent", Level = LogLevel.Warning, Message = "This sweep spent its probe budget ({BudgetMs:0} ms) after {Probed} probe(s); {Skipped} lapsed lease(s) wait for the next sweep.")]
        public static partial void ProbeBudgetSpent(ILogger logger, int probed, int skipped, double budgetMs);
    }
}
