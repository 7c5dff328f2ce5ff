namespace Introspection.Client;

/// <summary>
/// The names the client publishes telemetry under: its <see cref="System.Diagnostics.ActivitySource"/> (spans of
/// metadata fetches, Watch connects and registry failovers) and its meter (<c>introspection.client.*</c>).
/// Resolving a call adds no span: the resolver and picker path is the hot path and stays silent.
/// </summary>
/// <example><c>tracing.AddSource(IntrospectionClientTelemetry.ActivitySourceName)</c>, or
/// <c>AddIntrospectionInstrumentation()</c> of the Introspection.OpenTelemetry package for every source at once.</example>
public static class IntrospectionClientTelemetry
{
    /// <summary>The activity source: <c>Introspection.Client</c>.</summary>
    public const string ActivitySourceName = "Introspection.Client";

    /// <summary>The meter: <c>Introspection.Client</c> (same as <see cref="IntrospectionClientMeter.Name"/>).</summary>
    public const string MeterName = IntrospectionClientMeter.Name;
}
