using Grpc.Net.Client.Balancer;

namespace Introspection.Client;

/// <summary>
/// Keys of the <see cref="BalancerAddress.Attributes"/> the <c>introspect</c> resolver sets on every address,
/// so custom load balancers (zone-aware, canary, ...) can read what the registry said about an instance.
/// </summary>
public static class IntrospectionBalancerAttributes
{
    /// <summary>Application name.</summary>
    public static readonly BalancerAttributesKey<string> App = new("introspection.app");

    /// <summary>Instance id.</summary>
    public static readonly BalancerAttributesKey<string> InstanceId = new("introspection.instance_id");

    /// <summary>Metadata revision the instance serves.</summary>
    public static readonly BalancerAttributesKey<string> Revision = new("introspection.revision");

    /// <summary>Registry labels of the instance.</summary>
    public static readonly BalancerAttributesKey<IReadOnlyDictionary<string, string>> Labels = new("introspection.labels");
}
