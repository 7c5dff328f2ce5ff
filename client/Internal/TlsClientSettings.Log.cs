using Microsoft.Extensions.Logging;

namespace Introspection.Client.Internal;

internal sealed partial class TlsClientSettings
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 510, EventName = "ServerCertificateRejected", Level = LogLevel.Warning,
            Message = "TLS: the certificate of {Host} ({Subject}) is not trusted: {Reason}.")]
        public static partial void ServerCertificateRejected(ILogger logger, string host, string subject, string reason);
    }
}
