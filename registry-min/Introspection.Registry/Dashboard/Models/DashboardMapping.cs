namespace Introspection.Registry.Dashboard.Models;

/// <summary>One service and the apps that provide it.</summary>
internal sealed record DashboardMapping(string Service, IReadOnlyList<string> Apps);
