namespace Introspection.Registry.Dashboard.Models;

/// <summary>The registry node's own state.</summary>
internal sealed record DashboardRegistryState(
    string Store,
    bool SelfPreservation,
    int Watchers,
    int DashboardClients,
    double RenewalsPerSecond,
    DateTimeOffset StartedAt);
