using Microsoft.Extensions.Logging;

namespace Introspection.Provider.Internal;

internal sealed partial class ProviderMetadata
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Metadata of app '{App}' built: revision {Revision}, {ServiceCount} service(s).", EventName = "MetadataBuilt")]
        public static partial void MetadataBuilt(ILogger logger, string app, string revision, int serviceCount);

        [LoggerMessage(2, LogLevel.Information, "Metadata changed: revision {OldRevision} -> {NewRevision}, {ServiceCount} service(s).", EventName = "RevisionChanged")]
        public static partial void RevisionChanged(ILogger logger, string oldRevision, string newRevision, int serviceCount);

        [LoggerMessage(3, LogLevel.Warning, "The app name changed from '{App}' to '{NewApp}' at run time; the instance keeps the first until it restarts.", EventName = "AppChangeIgnored")]
        public static partial void AppChangeIgnored(ILogger logger, string app, string newApp);

        [LoggerMessage(4, LogLevel.Error, "Rebuilding the metadata failed; the current revision stays in force.", EventName = "MetadataRefreshFailed")]
        public static partial void RefreshFailed(ILogger logger, Exception exception);
    }
}
