using Introspection.Client;

namespace Introspection.ServiceDiscovery;

/// <summary>
/// The registry's record of the instance behind a <c>Microsoft.Extensions.ServiceDiscovery.ServiceEndpoint</c>
/// resolved by Introspection: read it with <c>endpoint.Features.Get&lt;IntrospectionInstanceFeature&gt;()</c>
/// (null for endpoints that came from another provider).
/// </summary>
public sealed class IntrospectionInstanceFeature
{
    /// <summary>Creates the feature of one resolved instance.</summary>
    public IntrospectionInstanceFeature(InstanceEndpoint instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        Instance = instance;
    }

    /// <summary>The resolved instance, as the Introspection client returns it.</summary>
    public InstanceEndpoint Instance { get; }

    /// <summary>The app the instance belongs to.</summary>
    public string App => Instance.App;

    /// <summary>The instance id the provider registered.</summary>
    public string InstanceId => Instance.InstanceId;

    /// <summary>The metadata revision the instance serves.</summary>
    public string Revision => Instance.Revision;

    /// <summary>The instance's registry labels (zone, weight, scheme, ...).</summary>
    public IReadOnlyDictionary<string, string> Labels => Instance.Labels;
}
