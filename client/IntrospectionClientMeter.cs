namespace Introspection.Client;

/// <summary>The meter the client's instruments (<c>introspection.client.*</c>) are published on.</summary>
/// <example><c>builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(IntrospectionClientMeter.Name));</c></example>
public static class IntrospectionClientMeter
{
    /// <summary>The meter name: <c>Introspection.Client</c>.</summary>
    public const string Name = "Introspection.Client";
}
