using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Introspection.Registry;

/// <summary>
/// The registry host's Prometheus scrape endpoint (<see cref="RegistryPrometheusOptions"/>). The exposition format
/// is OpenTelemetry's exporter (OpenTelemetry.Exporter.Prometheus.AspNetCore, still a pre-release): it renders
/// histograms with their advised buckets, units as name suffixes, OpenMetrics content negotiation and a response
/// cache so concurrent scrapes do not each walk every instrument; hand-writing that would be a second
/// implementation of a format to keep right.
/// </summary>
internal static class RegistryTelemetrySetup
{
    public static void AddPrometheus(WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RegistryPrometheusOptions>().BindConfiguration(RegistryPrometheusOptions.SectionName).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RegistryPrometheusOptions>, RegistryPrometheusOptionsValidator>());
        if (!builder.Configuration.GetValue<bool>($"{RegistryPrometheusOptions.SectionName}:{nameof(RegistryPrometheusOptions.Enabled)}"))
        {
            return;
        }

        builder.Services.AddOpenTelemetry().WithMetrics(static metrics => metrics
            .AddIntrospectionInstrumentation()
            // The runtime's own meter (GC heap size, pause time, collections per generation): what an operator
            // sizing a registry for a million instances needs beside the registry's metrics.
            .AddMeter("System.Runtime")
            .AddPrometheusExporter());
    }

    public static void MapPrometheus(WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<RegistryPrometheusOptions>>().Value;
        if (!options.Enabled)
        {
            return;
        }

        var endpoint = app.MapPrometheusScrapingEndpoint(options.Path);
        if (options.Port is { } port)
        {
            // Routing matches on the connection's local port, so the gRPC port never answers the path.
            endpoint.RequireHost($"*:{port}");
        }
    }
}
