using Introspection.OpenTelemetry;

namespace OpenTelemetry.Metrics;

/// <summary>Adds the Introspection meters to an OpenTelemetry meter provider.</summary>
public static class IntrospectionMeterProviderBuilderExtensions
{
    /// <summary>
    /// Subscribes <paramref name="builder"/> to every Introspection meter (client, registrar, provider, registry;
    /// <see cref="IntrospectionTelemetryNames.Meters"/>). Histogram bucket boundaries come from the instruments'
    /// own advice, so no view is needed.
    /// </summary>
    /// <example><c>builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddIntrospectionInstrumentation().AddConsoleExporter());</c></example>
    /// <param name="builder">The meter provider builder.</param>
    /// <returns>The same builder.</returns>
    public static MeterProviderBuilder AddIntrospectionInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter([.. IntrospectionTelemetryNames.Meters]);
    }
}
