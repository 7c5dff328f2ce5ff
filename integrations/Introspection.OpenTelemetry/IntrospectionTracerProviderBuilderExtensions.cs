using Introspection.OpenTelemetry;

namespace OpenTelemetry.Trace;

/// <summary>Adds the Introspection activity sources to an OpenTelemetry tracer provider.</summary>
public static class IntrospectionTracerProviderBuilderExtensions
{
    /// <summary>
    /// Subscribes <paramref name="builder"/> to every Introspection activity source (client, registrar, provider,
    /// registry; <see cref="IntrospectionTelemetryNames.ActivitySources"/>). A library that is not loaded simply
    /// emits nothing. Resolving a gRPC call through <c>introspect:///</c> adds no span.
    /// </summary>
    /// <example><c>builder.Services.AddOpenTelemetry().WithTracing(t => t.AddIntrospectionInstrumentation().AddConsoleExporter());</c></example>
    /// <param name="builder">The tracer provider builder.</param>
    /// <returns>The same builder.</returns>
    public static TracerProviderBuilder AddIntrospectionInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource([.. IntrospectionTelemetryNames.ActivitySources]);
    }
}
