using Microsoft.Extensions.Logging;

namespace Introspection.Client.Internal;

internal sealed partial class GrpcMetadataFetcher
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 520, EventName = "MetadataTokenWithheld", Level = LogLevel.Warning,
            Message = "Metadata of {App}/{InstanceId} is fetched over h2c: the configured bearer token is not sent in clear text.")]
        public static partial void TokenWithheld(ILogger logger, string app, string instanceId);
    }
}
