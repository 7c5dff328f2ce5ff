using System.Diagnostics;
namespace Introspection.Client.Internal;

/// <summary>
/// The span of one registration with one registry: the Register call and the service mapping after it, initial
/// or again after the registry answered NOT_FOUND for the lease (<c>introspection.registration.reason</c>).
/// </summary>
internal static class RegistrationTelemetry
{
    public static Activity? Start(InstanceRegistration instance, string registry, bool leaseLost)
    {
        var activity = ClientActivitySources.Registrar.StartActivity(ClientActivitySources.Register, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(TelemetryTags.Namespace, instance.Namespace);
            activity.SetTag(TelemetryTags.App, instance.App);
            activity.SetTag(TelemetryTags.InstanceId, instance.InstanceId);
            activity.SetTag(TelemetryTags.Revision, instance.Revision);
            activity.SetTag(TelemetryTags.RegistrationReason, leaseLost ? "lease_lost" : "initial");
            activity.SetTag("introspection.registry.entry", registry);
        }

        return activity;
    }

    /// <summary>The node the Register call goes to (after any failover), on the current registration span.</summary>
    public static void Sending(Uri address)
    {
        if (Current() is { } activity)
        {
            activity.SetTag(TelemetryTags.RegistryAddress, address.ToString());
            activity.SetServer(address.Host, address.Port);
        }
    }

    /// <summary>The registry granted the lease. Its id is not recorded: it is the instance's handle to renew and deregister.</summary>
    public static void Granted(long ttlMs)
    {
        if (Current() is { } activity)
        {
            activity.SetTag(TelemetryTags.Result, "success");
            activity.SetTag("introspection.lease.ttl", ttlMs / 1000.0);
        }
    }

    public static void Failed(Activity? activity, Exception exception)
    {
        activity?.SetTag(TelemetryTags.Result, "error");
        activity.SetError(exception);
    }

    private static Activity? Current() =>
        Activity.Current is { } current && ReferenceEquals(current.Source, ClientActivitySources.Registrar) && current.OperationName == ClientActivitySources.Register && current.IsAllDataRequested
            ? current
            : null;
}
