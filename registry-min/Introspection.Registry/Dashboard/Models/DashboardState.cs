namespace Introspection.Registry.Dashboard.Models;

/// <summary>Everything the dashboard shows for one namespace, as of <see cref="Revision"/>.</summary>
internal sealed record DashboardState(
    string Namespace,
    long Revision,
    IReadOnlyList<DashboardApp> Apps,
    IReadOnlyList<DashboardMapping> Mappings,
    DashboardRegistryState Registry);
