namespace Introspection.Registry.Dashboard.Models;

/// <summary>
/// An instance's metadata, fetched by the registry from the instance's own metadata endpoint.
/// <paramref name="Verified"/>: the content hashes to the revision the instance registered.
/// </summary>
internal sealed record DashboardMetadata(
    string App,
    string InstanceId,
    string Revision,
    bool Verified,
    IReadOnlyList<DashboardService> Services);
