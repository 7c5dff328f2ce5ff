using Grpc.Core;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;

namespace Introspection.Client.Internal;

/// <summary>
/// Push resolver: subscribes to the client's resolution of one target and hands every change to the channel.
/// It never polls; the registry Watch stream and the metadata cache drive it.
/// </summary>
internal sealed class IntrospectionResolver(IntrospectionClient client, ServiceTarget target, bool roundRobin) : Resolver
{
    private static readonly ServiceConfig s_roundRobin = new() { LoadBalancingConfigs = { new RoundRobinConfig() } };

    private IDisposable? _subscription;

    public override void Start(Action<ResolverResult> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        if (_subscription is not null)
        {
            throw new InvalidOperationException("The resolver has already been started.");
        }

        _subscription = client.Subscribe(target, resolution => listener(ToResult(resolution, roundRobin)));
    }

    public override void Refresh() => client.Refresh();

    internal static ResolverResult ToResult(ServiceResolution resolution, bool roundRobin)
    {
        if (resolution.Status.StatusCode != StatusCode.OK)
        {
            return ResolverResult.ForFailure(resolution.Status);
        }

        var addresses = new List<BalancerAddress>(resolution.Endpoints.Count);
        foreach (var endpoint in resolution.Endpoints)
        {
            var address = new BalancerAddress(endpoint.Host, endpoint.Port);
            address.Attributes.Set(IntrospectionBalancerAttributes.App, endpoint.App);
            address.Attributes.Set(IntrospectionBalancerAttributes.InstanceId, endpoint.InstanceId);
            address.Attributes.Set(IntrospectionBalancerAttributes.Revision, endpoint.Revision);
            address.Attributes.Set(IntrospectionBalancerAttributes.Labels, endpoint.Labels);
            addresses.Add(address);
        }

        return ResolverResult.ForResult(addresses, roundRobin ? s_roundRobin : null, serviceConfigStatus: null);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _subscription?.Dispose();
        }

        base.Dispose(disposing);
    }
}
