namespace Introspection.Client;

/// <summary>Options of the discovery client (bound from the <c>Introspection:Client</c> section).</summary>
public sealed class IntrospectionClientOptions
{
    /// <summary>Registry addresses (http://host:port); several for failover. Default: none (required).</summary>
    public IList<string> Registries { get; } = new List<string>();
}
