using Grpc.Core;

namespace Introspection.Client;

/// <summary>The current answer for one <see cref="ServiceTarget"/>: the endpoints to call, or why there are none.</summary>
public sealed class ServiceResolution
{
    internal ServiceResolution(ServiceTarget target, IReadOnlyList<InstanceEndpoint> endpoints, Status status, IntrospectionErrorKind errorKind = IntrospectionErrorKind.None)
    {
        Target = target;
        Endpoints = endpoints;
        Status = status;
        ErrorKind = errorKind;
    }

    /// <summary>What was resolved.</summary>
    public ServiceTarget Target { get; }

    /// <summary>Instances exposing the service (empty when <see cref="Status"/> is not OK).</summary>
    public IReadOnlyList<InstanceEndpoint> Endpoints { get; }

    /// <summary>OK with endpoints; otherwise UNAVAILABLE with a detail naming the service (see <see cref="IntrospectionErrors"/>).</summary>
    public Status Status { get; }

    /// <summary>Why there are no endpoints; <see cref="IntrospectionErrorKind.None"/> when <see cref="Status"/> is OK.</summary>
    public IntrospectionErrorKind ErrorKind { get; }

    internal bool SameAs(ServiceResolution other) =>
        Status.StatusCode == other.Status.StatusCode
        && Status.Detail == other.Status.Detail
        && ErrorKind == other.ErrorKind
        && Endpoints.SequenceEqual(other.Endpoints);
}
