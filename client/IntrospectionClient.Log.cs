using Microsoft.Extensions.Logging;

namespace Introspection.Client;

public sealed partial class IntrospectionClient
{
    // The other EventIds of the client's logger are written by its parts: RegistryWatchLoop (101-104),
    // DiscoveryView (105, 130-133), ServiceLookupLoop (110-111), ResolutionPublisher (120-122),
    // ViewSnapshotPersistence (140-144), Sources/DnsServiceSource (170-172).
    private static partial class Log
    {
        [LoggerMessage(EventId = 100, EventName = "ClientStarted", Level = LogLevel.Information,
            Message = "Introspection client started: {RegistryCount} registry addresses, namespace '{Namespace}', snapshot {SnapshotPath}.")]
        public static partial void Started(ILogger logger, int registryCount, string @namespace, string snapshotPath);

        [LoggerMessage(EventId = 112, EventName = "StaticEndpointsUsed", Level = LogLevel.Warning,
            Message = "Service '{Service}' is pinned to {Endpoints} by configuration (IP direct); the registry is not used for it.")]
        public static partial void StaticEndpointsUsed(ILogger logger, string service, string endpoints);

        [LoggerMessage(EventId = 113, EventName = "EndpointSuspended", Level = LogLevel.Warning,
            Message = "Provider {Host}:{Port} did not answer an HTTP/2 keep-alive ping; not routing to it for {Seconds} s.")]
        public static partial void EndpointSuspended(ILogger logger, string host, int port, double seconds);
    }
}
