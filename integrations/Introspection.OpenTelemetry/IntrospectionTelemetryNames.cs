namespace Introspection.OpenTelemetry;

/// <summary>
/// Every <see cref="System.Diagnostics.ActivitySource"/> and meter name of the Introspection libraries, in one place.
/// This package depends on none of them (a consumer does not want the registry's ASP.NET Core dependencies, a
/// registry host does not want the client), so the names are repeated here; a test checks them against each
/// library's own public constants.
/// </summary>
public static class IntrospectionTelemetryNames
{
    /// <summary>The consumer library's activity source and meter: <c>Introspection.Client</c>.</summary>
    public const string Client = "Introspection.Client";

    /// <summary>The registrar's (registration under a lease, in <c>Introspection.Client</c>) activity source and meter: <c>Introspection.Registrar</c>.</summary>
    public const string Registrar = "Introspection.Registrar";

    /// <summary>The provider library's activity source and meter: <c>Introspection.Provider</c>.</summary>
    public const string Provider = "Introspection.Provider";

    /// <summary>The registry's activity source and meter: <c>Introspection.Registry</c>.</summary>
    public const string Registry = "Introspection.Registry";

    /// <summary>Every activity source name.</summary>
    public static IReadOnlyList<string> ActivitySources { get; } = [Client, Registrar, Provider, Registry];

    /// <summary>Every meter name.</summary>
    public static IReadOnlyList<string> Meters { get; } = [Client, Registrar, Provider, Registry];
}
