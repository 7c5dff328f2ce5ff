namespace Introspection.Registry.Dashboard.Models;

/// <summary>One gRPC service of an instance's metadata.</summary>
internal sealed record DashboardService(
    string Name,
    string Group,
    string Version,
    string Protocol,
    IReadOnlyList<string> Methods,
    IReadOnlyDictionary<string, string> Params);
