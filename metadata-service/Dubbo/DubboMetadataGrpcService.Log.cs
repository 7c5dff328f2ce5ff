using Microsoft.Extensions.Logging;

namespace Introspection.Provider.Dubbo;

internal sealed partial class DubboMetadataGrpcService
{
    private static partial class Log
    {
        [LoggerMessage(70, LogLevel.Debug, "A MetadataServiceV2 call named app '{RequestedApp}' (tri-service-group) but this instance is app '{App}'; answered NOT_FOUND.", EventName = "DubboMetadataOtherApp")]
        public static partial void OtherApp(ILogger logger, string requestedApp, string app);
    }
}
