using Grpc.Core;

namespace Introspection.Client;

/// <summary>
/// The errors the client reports as gRPC statuses, so callers can tell "this service was never discovered"
/// from an ordinary UNAVAILABLE answered by a provider. Recognise them with <see cref="GetKind(RpcException)"/>
/// rather than by their message.
/// </summary>
public static class IntrospectionErrors
{
    /// <summary>Prefix of the status detail when a service has never been discovered (no registry data, no snapshot).</summary>
    public const string ServiceNotDiscoveredPrefix = "introspection: service not discovered: ";

    /// <summary>Prefix of the status detail when a service is known but no instance currently exposes it.</summary>
    public const string NoInstancesPrefix = "introspection: no instances: ";

    /// <summary>
    /// Trailer set on <see cref="RpcException"/>s thrown by <see cref="IntrospectionClient"/> itself; its value
    /// names the <see cref="IntrospectionErrorKind"/>: <c>service-not-discovered</c> or <c>no-instances</c>.
    /// </summary>
    public const string ErrorTrailer = "introspection-error";

    private const string ServiceNotDiscoveredValue = "service-not-discovered";
    private const string NoInstancesValue = "no-instances";

    /// <summary>
    /// The kind of discovery error <paramref name="exception"/> reports, or <see cref="IntrospectionErrorKind.None"/>.
    /// Read from the <see cref="ErrorTrailer"/> trailer when the client threw it; a call failed by the gRPC
    /// channel (whose resolver reported the error) carries the client's status without trailers, and is
    /// recognised by that status.
    /// </summary>
    public static IntrospectionErrorKind GetKind(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.Trailers.GetValue(ErrorTrailer) switch
        {
            ServiceNotDiscoveredValue => IntrospectionErrorKind.ServiceNotDiscovered,
            NoInstancesValue => IntrospectionErrorKind.NoInstances,
            _ => GetKind(exception.Status),
        };
    }

    /// <summary>The kind of discovery error <paramref name="status"/> reports, or <see cref="IntrospectionErrorKind.None"/>.</summary>
    public static IntrospectionErrorKind GetKind(Status status)
    {
        // A Status carries no field of its own for the kind, and the channel passes the resolver's Status on
        // as is: the detail prefixes the client writes are the one place the kind can travel in, so this is
        // the one place that reads them.
        if (status.StatusCode != StatusCode.Unavailable)
        {
            return IntrospectionErrorKind.None;
        }

        return status.Detail.StartsWith(ServiceNotDiscoveredPrefix, StringComparison.Ordinal) ? IntrospectionErrorKind.ServiceNotDiscovered
            : status.Detail.StartsWith(NoInstancesPrefix, StringComparison.Ordinal) ? IntrospectionErrorKind.NoInstances
            : IntrospectionErrorKind.None;
    }

    /// <summary>True (with <paramref name="kind"/>) when <paramref name="exception"/> is a discovery error of the client.</summary>
    public static bool TryGetKind(RpcException exception, out IntrospectionErrorKind kind)
    {
        kind = GetKind(exception);
        return kind != IntrospectionErrorKind.None;
    }

    /// <summary>True when <paramref name="status"/> says the service was never discovered.</summary>
    public static bool IsServiceNotDiscovered(Status status) => GetKind(status) == IntrospectionErrorKind.ServiceNotDiscovered;

    /// <summary>True when <paramref name="exception"/> says the service was never discovered.</summary>
    public static bool IsServiceNotDiscovered(RpcException exception) => GetKind(exception) == IntrospectionErrorKind.ServiceNotDiscovered;

    internal static Status ServiceNotDiscovered(ServiceTarget target, string reason) =>
        new(StatusCode.Unavailable, $"{ServiceNotDiscoveredPrefix}{target.Describe()} has never been discovered ({reason}).");

    internal static Status NoInstances(ServiceTarget target, string reason) =>
        new(StatusCode.Unavailable, $"{NoInstancesPrefix}no instance currently exposes {target.Describe()} ({reason}).");

    internal static RpcException ToException(ServiceResolution resolution)
    {
        var value = resolution.ErrorKind == IntrospectionErrorKind.ServiceNotDiscovered ? ServiceNotDiscoveredValue : NoInstancesValue;
        return new RpcException(resolution.Status, new Metadata { { ErrorTrailer, value } });
    }
}
