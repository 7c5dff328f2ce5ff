using Microsoft.Extensions.Logging;

namespace Introspection.Client.Internal;

internal sealed partial class RegistryLeaseKeeper
{
    private static partial class Log
    {
        [LoggerMessage(50, LogLevel.Information, "Registered with registry {Registry} at {Address}: app '{App}', instance '{InstanceId}' at {Host}:{Port}, revision {Revision}, lease {LeaseId}, TTL {TtlMs} ms.", EventName = "Registered")]
        public static partial void Registered(ILogger logger, string registry, Uri address, string app, string instanceId, string host, int port, string revision, long leaseId, long ttlMs);

        [LoggerMessage(51, LogLevel.Warning, "Registry {Registry} ({Address}) failed: {Reason}. The instance keeps serving; retrying.", EventName = "RegistryFailure")]
        public static partial void FirstFailure(ILogger logger, string registry, Uri address, string reason);

        [LoggerMessage(52, LogLevel.Error, "Registry {Registry} failed {Failures} times in a row (last: {Reason}); the lease may lapse and consumers may drop this instance. Health check reports unhealthy. The instance keeps serving.", EventName = "RegistryFailureThreshold")]
        public static partial void FailureThreshold(ILogger logger, string registry, int failures, string reason, Exception exception);

        [LoggerMessage(53, LogLevel.Debug, "Registry {Registry} failed again ({Failures} in a row): {Reason}.", EventName = "RegistryRepeatedFailure")]
        public static partial void RepeatedFailure(ILogger logger, string registry, int failures, string reason);

        [LoggerMessage(54, LogLevel.Information, "Registry {Registry} answers again after {Failures} failure(s).", EventName = "RegistryRecovered")]
        public static partial void Recovered(ILogger logger, string registry, int failures);

        [LoggerMessage(55, LogLevel.Debug, "Reconnecting to registry {Registry} at {Address} in {DelayMs:0} ms (attempt {Attempt}).", EventName = "RegistryReconnecting")]
        public static partial void Reconnecting(ILogger logger, string registry, Uri address, double delayMs, int attempt);

        [LoggerMessage(56, LogLevel.Warning, "Registry {Registry} ({Address}) does not know lease {LeaseId} ({Detail}); registering again.", EventName = "LeaseLost")]
        public static partial void LeaseLost(ILogger logger, string registry, Uri address, long leaseId, string detail);

        [LoggerMessage(57, LogLevel.Information, "Registry {Registry}: revision {OldRevision} -> {NewRevision} pushed.", EventName = "RevisionUpdated")]
        public static partial void RevisionUpdated(ILogger logger, string registry, string oldRevision, string newRevision);

        [LoggerMessage(58, LogLevel.Debug, "Registry {Registry}: app '{App}' mapped to {ServiceCount} service(s).", EventName = "ServicesMapped")]
        public static partial void ServicesMapped(ILogger logger, string registry, string app, int serviceCount);

        [LoggerMessage(59, LogLevel.Information, "Deregistered from registry {Registry} at {Address}: app '{App}', instance '{InstanceId}'.", EventName = "Deregistered")]
        public static partial void Deregistered(ILogger logger, string registry, Uri address, string app, string instanceId);

        [LoggerMessage(60, LogLevel.Warning, "Could not deregister from registry {Registry}; the entry disappears when its lease lapses.", EventName = "DeregisterFailed")]
        public static partial void DeregisterFailed(ILogger logger, string registry, Exception? exception);

        [LoggerMessage(61, LogLevel.Warning, "Registry {Registry}: update not pushed yet ({Reason}); it goes with the next successful renewal.", EventName = "UpdateDeferred")]
        public static partial void UpdateDeferred(ILogger logger, string registry, string reason);
    }
}
