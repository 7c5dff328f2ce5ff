namespace Introspection.Registry.Dashboard;

/// <summary>
/// Implemented by stores that can list the namespaces holding state (the memory store). Optional and internal on
/// purpose: the public <c>IRegistryStore</c> contract stays unchanged; for other stores the dashboard lists the
/// namespaces it saw in the change feed since the node started.
/// </summary>
internal interface INamespaceListing
{
    /// <summary>The namespaces holding instances or mappings, ordinal order.</summary>
    IReadOnlyList<string> ListNamespaces();
}
