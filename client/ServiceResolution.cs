using Grpc.Core;

namespace Introspection.Client;

/// <summary>The current answer for one <see cref="ServiceTarget"/>: the endpoints to call, or why there are none.</summary>
public sealed class ServiceResolution
{
    internal ServiceResolution(ServiceTarget target, IReadOnlyList<InstanceEndpoint> endpoints, Status status)
    {
        Target = target;
        Endpoints = endpoints;
        Status = status;
    }

    /// <summary>What was resolved.</summary>
    public ServiceTarget Target { get; }

    /// <summary>Instances exposing the service (empty when <see cref="Status"/> is not OK).</summary>
    public IReadOnlyList<InstanceEndpoint> Endpoints { get; }

    /// <summary>OK with endpoints; otherwise UNAVAILABLE with a detail naming the service (see <see cref="IntrospectionErrors"/>).</summary>
    public Status Status { get; }

    internal bool SameAs(ServiceResolution other) =>
        Status.StatusCode == other.Status.StatusCode
        && Status.Detail == other.Status.Detail
        && Endpoints.SequenceEqual(other.Endpoints);
}
