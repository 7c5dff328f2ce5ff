using System.Diagnostics;
using Introspection.Protocol.Metadata.V1;
using Introspection.Protocol.Registry.V1;

namespace Introspection.Client.Internal;

/// <summary>The span of one metadata fetch (one MetadataService call to one instance): its start, attributes and end states.</summary>
internal static class MetadataFetchTelemetry
{
    public static Activity? Start(MetadataKey key, Instance instance, int round)
    {
        var activity = ClientActivitySources.Client.StartActivity(ClientActivitySources.MetadataFetch, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(TelemetryTags.App, key.App);
            activity.SetTag(TelemetryTags.Revision, key.Revision);
            activity.SetTag(TelemetryTags.InstanceId, instance.InstanceId);
            activity.SetTag("introspection.metadata.round", round);
            activity.SetServer(instance.Host, instance.Port);
        }

        return activity;
    }

    public static void Failed(Activity? activity, Exception exception)
    {
        activity?.SetTag(TelemetryTags.Result, "error");
        activity.SetError(exception);
    }

    public static void Rejected(Activity? activity, string reason)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag(TelemetryTags.Result, "rejected");
        activity.SetTag(TelemetryTags.ErrorType, "rejected");
        activity.SetStatus(ActivityStatusCode.Error, reason);
    }

    public static void Succeeded(Activity? activity, MetadataInfo info)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag(TelemetryTags.Result, "success");
        activity.SetTag("introspection.metadata.service_count", info.Services.Count);
    }
}
