namespace Introspection.Registry.Services;

internal sealed partial class RegistryService
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 100, EventName = "InstanceRegistered", Level = LogLevel.Information, Message = "Registered {Namespace}/{App}/{InstanceId} at {Host}:{Port}, lease {LeaseId} ttl {TtlMs} ms, revision {Revision}.")]
        public static partial void Registered(ILogger logger, string @namespace, string app, string instanceId, string host, int port, long leaseId, long ttlMs, long revision);

        [LoggerMessage(EventId = 101, EventName = "InstanceDeregistered", Level = LogLevel.Information, Message = "Deregistered {Namespace}/{App}/{InstanceId}, revision {Revision}.")]
        public static partial void Deregistered(ILogger logger, string @namespace, string app, string instanceId, long revision);

        [LoggerMessage(EventId = 102, EventName = "RenewalNotFound", Level = LogLevel.Debug, Message = "Renewal of unknown lease {LeaseId} in namespace '{Namespace}'.")]
        public static partial void RenewalNotFound(ILogger logger, string @namespace, long leaseId);

        [LoggerMessage(EventId = 106, EventName = "KeepAliveClientGone", Level = LogLevel.Debug, Message = "KeepAlive stream from {Peer} ended by the client: {Reason}")]
        public static partial void KeepAliveClientGone(ILogger logger, string peer, string reason);
    }
}
