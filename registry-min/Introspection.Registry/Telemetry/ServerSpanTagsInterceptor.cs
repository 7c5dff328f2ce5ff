using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Introspection.Protocol.Registry.V1;

namespace Introspection.Registry.Telemetry;

/// <summary>
/// Puts the registry's own attributes (<c>introspection.namespace</c>, <c>introspection.app</c>,
/// <c>introspection.instance.id</c>, …) on ASP.NET Core's server span of each call, instead of a second span per
/// RPC: the hosting span already has the timing and the gRPC status. Costs nothing when nobody records traces
/// (<see cref="Activity.IsAllDataRequested"/> is false, or there is no activity at all).
/// </summary>
internal sealed class ServerSpanTagsInterceptor : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Tag(request);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Tag(request);
        return continuation(request, responseStream, context);
    }

    private static void Tag(object? request)
    {
        if (Activity.Current is not { IsAllDataRequested: true } activity)
        {
            return;
        }

        switch (request)
        {
            case RegisterRequest r:
                activity.SetTag(RegistryTelemetryTags.Namespace, r.Namespace);
                activity.SetTag(RegistryTelemetryTags.App, r.Instance?.App);
                activity.SetTag(RegistryTelemetryTags.InstanceId, r.Instance?.InstanceId);
                activity.SetTag(RegistryTelemetryTags.Revision, r.Instance?.Revision);
                break;
            case UpdateInstanceRequest r:
                activity.SetTag(RegistryTelemetryTags.Namespace, r.Namespace);
                activity.SetTag(RegistryTelemetryTags.App, r.App);
                activity.SetTag(RegistryTelemetryTags.InstanceId, r.InstanceId);
                activity.SetTag(RegistryTelemetryTags.Revision, r.Revision);
                break;
            case DeregisterRequest r:
                activity.SetTag(RegistryTelemetryTags.Namespace, r.Namespace);
                activity.SetTag(RegistryTelemetryTags.App, r.App);
                activity.SetTag(RegistryTelemetryTags.InstanceId, r.InstanceId);
                break;
            case WatchRequest r:
                activity.SetTag(RegistryTelemetryTags.Namespace, r.Namespace);
                activity.SetTag(RegistryTelemetryTags.WatchAppCount, r.Apps.Count);
                activity.SetTag(RegistryTelemetryTags.WatchSinceRevision, r.SinceRevision);
                break;
            case MapServiceRequest r:
                activity.SetTag(RegistryTelemetryTags.Namespace, r.Namespace);
                activity.SetTag(RegistryTelemetryTags.App, r.App);
                break;
            case LookupServiceRequest r:
                activity.SetTag(RegistryTelemetryTags.Namespace, r.Namespace);
                activity.SetTag(RegistryTelemetryTags.Service, r.Service);
                break;
            case ListInstancesRequest r:
                activity.SetTag(RegistryTelemetryTags.Namespace, r.Namespace);
                activity.SetTag(RegistryTelemetryTags.App, r.App);
                break;
        }
    }
}
