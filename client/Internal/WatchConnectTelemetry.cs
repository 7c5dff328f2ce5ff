using System.Diagnostics;

namespace Introspection.Client.Internal;

/// <summary>
/// The span of one attempt to open the Watch stream: from the call to the first snapshot applied (a fresh watch)
/// or to the call accepted (a resume, whose first message may legitimately take long). The stream's life after
/// that is not a span: it lasts as long as the process.
/// </summary>
internal static class WatchConnectTelemetry
{
    public static Activity? Start(string @namespace, Uri address, int appCount, long sinceRevision, bool reconnecting)
    {
        var activity = ClientActivitySources.Client.StartActivity(ClientActivitySources.WatchConnect, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(TelemetryTags.Namespace, @namespace);
            activity.SetTag(TelemetryTags.RegistryAddress, address.ToString());
            activity.SetServer(address.Host, address.Port);
            activity.SetTag(TelemetryTags.WatchMode, sinceRevision > 0 ? "resume" : "snapshot");
            activity.SetTag(TelemetryTags.WatchSinceRevision, sinceRevision);
            activity.SetTag(TelemetryTags.WatchAppCount, appCount);
            activity.SetTag("introspection.watch.reconnect", reconnecting);
        }

        return activity;
    }

    public static void Stop(Activity? activity, Exception? exception)
    {
        if (activity is null)
        {
            return;
        }

        if (exception is null)
        {
            activity.SetTag(TelemetryTags.Result, "success");
        }
        else
        {
            activity.SetTag(TelemetryTags.Result, "error");
            activity.SetError(exception);
        }

        activity.Dispose();
    }
}
