namespace Introspection.Client;

/// <summary>
/// The names the registrar (<see cref="IntrospectionRegistrar"/>, used by providers and sidecars) publishes
/// telemetry under: spans of registrations (initial, and again after the registry answered NOT_FOUND for a lease)
/// and the meter <c>introspection.registrar.*</c>.
/// </summary>
public static class IntrospectionRegistrarTelemetry
{
    /// <summary>The activity source: <c>Introspection.Registrar</c>.</summary>
    public const string ActivitySourceName = "Introspection.Registrar";

    /// <summary>The meter: <c>Introspection.Registrar</c> (same as <see cref="IntrospectionRegistrar.MeterName"/>).</summary>
    public const string MeterName = IntrospectionRegistrar.MeterName;
}
