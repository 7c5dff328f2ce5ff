namespace Introspection.Client;

/// <summary>Where the endpoints of one service come from (<see cref="ServiceSourceOptions.Source"/>).</summary>
public enum ServiceSourceKind
{
    /// <summary>
    /// A registry: the client's default <see cref="IntrospectionClientOptions.Registries"/>, or the registry group named
    /// by <see cref="ServiceSourceOptions.Registry"/>. Full introspection: apps, instances, metadata, group/version.
    /// </summary>
    Registry = 0,

    /// <summary>
    /// DNS: the A/AAAA records of <see cref="DnsServiceOptions.Host"/> (a Kubernetes Service name, for example), cached
    /// and refreshed. No registry and no metadata are involved.
    /// </summary>
    Dns = 1,

    /// <summary>"IP direct": the fixed <c>host:port</c> list of <see cref="ServiceSourceOptions.Endpoints"/>.</summary>
    Static = 2,
}
