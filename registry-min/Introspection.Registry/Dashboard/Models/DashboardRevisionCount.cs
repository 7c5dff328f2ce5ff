namespace Introspection.Registry.Dashboard.Models;

/// <summary>How many instances of an app serve one metadata revision.</summary>
internal sealed record DashboardRevisionCount(string Revision, int Count);
