namespace Introspection.Client;

/// <summary>
/// Where one service comes from, bound from <c>Introspection:Client:ServiceSources:{service}</c> (the key is the full
/// gRPC service name, e.g. <c>greet.Greeter</c>). A service without an entry comes from the default registry.
/// </summary>
public sealed class ServiceSourceOptions
{
    /// <summary>The kind of source. Default: <see cref="ServiceSourceKind.Registry"/>.</summary>
    public ServiceSourceKind Source { get; set; } = ServiceSourceKind.Registry;

    /// <summary>
    /// With <see cref="ServiceSourceKind.Registry"/>: the name of a registry group
    /// (<see cref="IntrospectionClientOptions.RegistryGroups"/>) the service is discovered from. Default: <c>null</c>,
    /// the client's default <see cref="IntrospectionClientOptions.Registries"/>.
    /// </summary>
    public string? Registry { get; set; }

    /// <summary>With <see cref="ServiceSourceKind.Dns"/>: the name to resolve and how. Required for that kind.</summary>
    public DnsServiceOptions? Dns { get; set; }

    /// <summary>
    /// With <see cref="ServiceSourceKind.Static"/>: <c>host:port</c> entries separated by commas, as in
    /// <see cref="IntrospectionClientOptions.StaticEndpoints"/> (which keeps working and is the same thing). Default: <c>null</c>.
    /// </summary>
    public string? Endpoints { get; set; }
}
