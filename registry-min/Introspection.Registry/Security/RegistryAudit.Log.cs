namespace Introspection.Registry.Security;

internal sealed partial class RegistryAudit
{
    // EventIds 600-619: the audit log (security). 620-629: security startup checks.
    private static partial class Log
    {
        [LoggerMessage(EventId = 600, EventName = "AuditRegistered", Level = LogLevel.Information, Message = "Audit: {Principal} ({Scheme}) registered {Namespace}/{App}/{InstanceId} at {Host}:{Port} from {Remote}, revision {Revision}.")]
        public static partial void Registered(ILogger logger, string principal, string scheme, string @namespace, string app, string instanceId, string host, int port, string remote, long revision);

        [LoggerMessage(EventId = 601, EventName = "AuditUpdated", Level = LogLevel.Information, Message = "Audit: {Principal} ({Scheme}) updated {Namespace}/{App}/{InstanceId} from {Remote}, revision {Revision}.")]
        public static partial void Updated(ILogger logger, string principal, string scheme, string @namespace, string app, string instanceId, string remote, long revision);

        [LoggerMessage(EventId = 602, EventName = "AuditDeregistered", Level = LogLevel.Information, Message = "Audit: {Principal} ({Scheme}) deregistered {Namespace}/{App}/{InstanceId} (as admin: {AsAdmin}) from {Remote}, revision {Revision}.")]
        public static partial void Deregistered(ILogger logger, string principal, string scheme, string @namespace, string app, string instanceId, bool asAdmin, string remote, long revision);

        [LoggerMessage(EventId = 603, EventName = "AuditServicesMapped", Level = LogLevel.Information, Message = "Audit: {Principal} ({Scheme}) mapped {ServiceCount} services to {Namespace}/{App} from {Remote}, revision {Revision}.")]
        public static partial void ServicesMapped(ILogger logger, string principal, string scheme, string @namespace, string app, int serviceCount, string remote, long revision);

        [LoggerMessage(EventId = 604, EventName = "AuditDenied", Level = LogLevel.Warning, Message = "Audit: denied {Method} to {Principal} ({Scheme}) from {Remote}, reason {Reason}: {Detail}")]
        public static partial void Denied(ILogger logger, string principal, string scheme, string method, string reason, string remote, string detail);

        [LoggerMessage(EventId = 605, EventName = "AuditUnauthenticated", Level = LogLevel.Warning, Message = "Audit: refused unauthenticated {Method} from {Remote}, reason {Reason}.")]
        public static partial void Unauthenticated(ILogger logger, string method, string reason, string remote);

        [LoggerMessage(EventId = 606, EventName = "AuditRenewalRefused", Level = LogLevel.Warning, Message = "Audit: refused renewal of lease {LeaseId} in namespace '{Namespace}' to {Principal} ({Scheme}) from {Remote}, reason {Reason}.")]
        public static partial void RenewalRefused(ILogger logger, string principal, string scheme, string @namespace, long leaseId, string reason, string remote);
    }
}
