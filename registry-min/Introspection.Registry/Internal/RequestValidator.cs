using System.Text;
using Google.Protobuf.Collections;
using Grpc.Core;
using Introspection.Protocol;
using Introspection.Protocol.Registry.V1;
using Microsoft.Extensions.Options;

namespace Introspection.Registry.Internal;

/// <summary>
/// Checks every request field against the wire contract (<see cref="WireContract"/>, the rules of
/// registry.proto) and the registry's configurable label caps (<see cref="RegistryLimitsOptions"/>)
/// before anything reaches the store, so a bad request can never leave partial state behind.
/// Violations throw an <see cref="RpcException"/> whose message names the field and the limit.
/// </summary>
internal sealed class RequestValidator
{
    /// <summary>The namespace an empty <c>namespace</c> field means.</summary>
    public const string DefaultNamespace = WireContract.DefaultNamespace;

    private readonly RegistryLimitsOptions _limits;

    public RequestValidator(IOptions<RegistryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _limits = options.Value.Limits;
    }

    /// <summary>Validates a namespace and answers its canonical form (empty means <see cref="DefaultNamespace"/>).</summary>
    public static string Namespace(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return DefaultNamespace;
        }

        Check(WireContract.TryValidateNamespace("namespace", value, out var error), error);
        return value;
    }

    public static void App(string field, string? value) => Check(WireContract.TryValidateApp(field, value, out var error), error);

    public static void InstanceId(string field, string? value) => Check(WireContract.TryValidateInstanceId(field, value, out var error), error);

    public static void Service(string field, string? value) => Check(WireContract.TryValidateService(field, value, out var error), error);

    public static void LeaseTtl(long ttlMs)
    {
        if (ttlMs < 0)
        {
            throw Invalid($"ttl_ms must be >= 0 (0 means the registry default), got {ttlMs}.");
        }
    }

    public static void Revision(string field, string? value) => Check(WireContract.TryValidateRevision(field, value, out var error), error);

    public static void Host(string field, string? value) => Check(WireContract.TryValidateHost(field, value, out var error), error);

    public static void Port(string field, int port) => Check(WireContract.TryValidatePort(field, port, out var error), error);

    /// <summary>Validates an instance as sent in Register.</summary>
    public void Instance(Instance? instance)
    {
        if (instance is null)
        {
            throw Invalid("instance is required.");
        }

        App("instance.app", instance.App);
        InstanceId("instance.instance_id", instance.InstanceId);
        Host("instance.host", instance.Host);
        Port("instance.port", instance.Port);
        Revision("instance.revision", instance.Revision);
        Labels("instance.labels", instance.Labels);
    }

    public void Labels(string field, MapField<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count > _limits.MaxLabels)
        {
            throw Exhausted($"{field} has {labels.Count} labels; at most {_limits.MaxLabels} are allowed.");
        }

        var total = 0;
        foreach (var (key, value) in labels)
        {
            Check(WireContract.TryValidateLabelKey($"{field} key", key, out var keyError), keyError);
            var valueBytes = Encoding.UTF8.GetByteCount(value);
            if (valueBytes > _limits.MaxLabelValueBytes)
            {
                throw Exhausted($"{field}['{key}'] value has {valueBytes} bytes; at most {_limits.MaxLabelValueBytes} are allowed.");
            }

            total += key.Length + valueBytes;
        }

        if (total > _limits.MaxLabelBytes)
        {
            throw Exhausted($"{field} total {total} bytes of keys and values; at most {_limits.MaxLabelBytes} are allowed.");
        }
    }

    public static void WatchApps(RepeatedField<string> apps)
    {
        ArgumentNullException.ThrowIfNull(apps);
        if (apps.Count > WireContract.MaxWatchApps)
        {
            throw Exhausted($"apps has {apps.Count} entries; a Watch may name at most {WireContract.MaxWatchApps} apps (or none for the whole namespace).");
        }

        foreach (var app in apps)
        {
            App("apps", app);
        }
    }

    public static void SinceRevision(long sinceRevision)
    {
        if (sinceRevision < 0)
        {
            throw Invalid($"since_revision must be >= 0, got {sinceRevision}.");
        }
    }

    public static void Services(RepeatedField<string> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Count == 0)
        {
            throw Invalid($"services must name 1..{WireContract.MaxServicesPerRequest} services, got none.");
        }

        if (services.Count > WireContract.MaxServicesPerRequest)
        {
            throw Exhausted($"services has {services.Count} entries; at most {WireContract.MaxServicesPerRequest} are allowed per request.");
        }

        foreach (var service in services)
        {
            Service("services", service);
        }
    }

    public static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    public static RpcException Exhausted(string message) => new(new Status(StatusCode.ResourceExhausted, message));

    private static void Check(bool valid, string? error)
    {
        if (!valid)
        {
            throw Invalid(error!);
        }
    }
}
