namespace Introspection.Registry.Dashboard.Models;

/// <summary>The namespaces the caller may read.</summary>
internal sealed record DashboardNamespaces(IReadOnlyList<string> Namespaces);
