using Grpc.Core;

namespace Introspection.Client;

/// <summary>
/// The errors the client reports as gRPC statuses, so callers can tell "this service was never discovered"
/// from an ordinary UNAVAILABLE answered by a provider.
/// </summary>
public static class IntrospectionErrors
{
    /// <summary>Prefix of the status detail when a service has never been discovered (no registry data, no snapshot).</summary>
    public const string ServiceNotDiscoveredPrefix = "introspection: service not discovered: ";

    /// <summary>Prefix of the status detail when a service is known but no instance currently exposes it.</summary>
    public const string NoInstancesPrefix = "introspection: no instances: ";

    /// <summary>Trailer set on <see cref="RpcException"/>s thrown by <see cref="IntrospectionClient"/> itself.</summary>
    public const string ErrorTrailer = "introspection-error";

    /// <summary>True when <paramref name="status"/> says the service was never discovered.</summary>
    public static bool IsServiceNotDiscovered(Status status) =>
        status.StatusCode == StatusCode.Unavailable && status.Detail.StartsWith(ServiceNotDiscoveredPrefix, StringComparison.Ordinal);

    /// <summary>True when <paramref name="exception"/> says the service was never discovered.</summary>
    public static bool IsServiceNotDiscovered(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return IsServiceNotDiscovered(exception.Status);
    }

    internal static Status ServiceNotDiscovered(ServiceTarget target, string reason) =>
        new(StatusCode.Unavailable, $"{ServiceNotDiscoveredPrefix}{target.Describe()} has never been discovered ({reason}).");

    internal static Status NoInstances(ServiceTarget target, string reason) =>
        new(StatusCode.Unavailable, $"{NoInstancesPrefix}no instance currently exposes {target.Describe()} ({reason}).");

    internal static RpcException ToException(Status status)
    {
        var kind = IsServiceNotDiscovered(status) ? "service-not-discovered" : "no-instances";
        return new RpcException(status, new Metadata { { ErrorTrailer, kind } });
    }
}
