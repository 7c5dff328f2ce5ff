namespace Introspection.Provider;

/// <summary>
/// The names a provider publishes telemetry under: its <see cref="System.Diagnostics.ActivitySource"/> (the graceful
/// shutdown as one span with a event per step; GetMetadataInfo is traced by ASP.NET Core's own server span, which
/// the provider tags) and its meter (<c>introspection.provider.*</c>). Registration spans come from the registrar
/// (<see cref="Introspection.Client.IntrospectionRegistrarTelemetry"/>), which the provider registers through.
/// </summary>
public static class IntrospectionProviderTelemetry
{
    /// <summary>The activity source: <c>Introspection.Provider</c>.</summary>
    public const string ActivitySourceName = "Introspection.Provider";

    /// <summary>The meter: <c>Introspection.Provider</c>.</summary>
    public const string MeterName = "Introspection.Provider";
}
