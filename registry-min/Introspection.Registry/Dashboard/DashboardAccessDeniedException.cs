namespace Introspection.Registry.Dashboard;

/// <summary>The caller may not read the namespace it asked the dashboard for (answered 403).</summary>
internal sealed class DashboardAccessDeniedException(string ns) : Exception($"Reading namespace '{ns}' is not permitted.")
{
    public string Namespace { get; } = ns;
}
