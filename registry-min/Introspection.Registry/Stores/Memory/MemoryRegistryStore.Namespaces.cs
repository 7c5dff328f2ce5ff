using Introspection.Registry.Dashboard;

namespace Introspection.Registry.Stores.Memory;

internal sealed partial class MemoryRegistryStore : INamespaceListing
{
    /// <summary>For the dashboard: the namespaces holding state (a namespace without state is removed by the store).</summary>
    public IReadOnlyList<string> ListNamespaces()
    {
        lock (_lock)
        {
            var names = _namespaces.Keys.ToList();
            names.Sort(StringComparer.Ordinal);
            return names;
        }
    }
}
