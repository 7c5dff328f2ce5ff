namespace Introspection.Client;

/// <summary>Why <see cref="IntrospectionClient"/> has no endpoint for a service; see <see cref="IntrospectionErrors.GetKind(Grpc.Core.RpcException)"/>.</summary>
public enum IntrospectionErrorKind
{
    /// <summary>Not an error of the discovery client (for example an UNAVAILABLE answered by a provider).</summary>
    None = 0,

    /// <summary>The service has never been discovered: no registry data and no snapshot hold it.</summary>
    ServiceNotDiscovered = 1,

    /// <summary>The service is known, but no instance currently exposes it.</summary>
    NoInstances = 2,
}
