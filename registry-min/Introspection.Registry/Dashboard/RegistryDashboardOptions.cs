namespace Introspection.Registry;

/// <summary>
/// The operator dashboard (<c>Introspection:Registry:Dashboard</c>), served by <c>MapIntrospectionDashboard()</c>.
/// </summary>
public sealed class RegistryDashboardOptions
{
    /// <summary>
    /// Whether the dashboard answers. Default: null, which means "on when every address the server listens on is
    /// loopback, off otherwise": a registry reachable from the network shows its contents only when an operator
    /// switched the dashboard on explicitly (<c>true</c>), ideally behind <c>RequireAuthorization()</c>.
    /// <c>false</c> turns it off everywhere.
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>The path the dashboard is served under. Default: <c>/dashboard</c>.</summary>
    public string Path { get; set; } = "/dashboard";

    /// <summary>
    /// How long the registry waits for an instance's metadata endpoint when the dashboard shows its metadata.
    /// Default: 3 s.
    /// </summary>
    public TimeSpan MetadataTimeout { get; set; } = TimeSpan.FromSeconds(3);
}
