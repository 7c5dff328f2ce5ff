namespace Introspection.Registry.Dashboard.Models;

/// <summary>An error answer of the dashboard API.</summary>
internal sealed record DashboardError(string Error);
