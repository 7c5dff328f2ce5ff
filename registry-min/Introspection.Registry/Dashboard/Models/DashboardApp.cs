namespace Introspection.Registry.Dashboard.Models;

/// <summary>One app: its instances and how many of them run each metadata revision (a rollout at a glance).</summary>
internal sealed record DashboardApp(
    string Name,
    int InstanceCount,
    IReadOnlyList<DashboardRevisionCount> Revisions,
    IReadOnlyList<DashboardInstance> Instances);
