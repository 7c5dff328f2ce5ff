using System.Diagnostics;
using System.Diagnostics.Metrics;
using Introspection.Client;
using Introspection.OpenTelemetry;
using Introspection.Provider;
using Introspection.Registry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Introspection.Telemetry.Tests;

/// <summary>The one-call builder extensions subscribe to every source and meter the libraries declare.</summary>
public sealed class TelemetryNamesTests
{
    [Fact]
    public void Names_MatchEachLibrarysPublicConstants()
    {
        Assert.Equal(
            [IntrospectionClientTelemetry.ActivitySourceName, IntrospectionRegistrarTelemetry.ActivitySourceName, IntrospectionProviderTelemetry.ActivitySourceName, RegistryMetricNames.ActivitySourceName],
            IntrospectionTelemetryNames.ActivitySources);
        Assert.Equal(
            [IntrospectionClientTelemetry.MeterName, IntrospectionRegistrarTelemetry.MeterName, IntrospectionProviderTelemetry.MeterName, RegistryMetricNames.MeterName],
            IntrospectionTelemetryNames.Meters);
        Assert.Equal(IntrospectionClientMeter.Name, IntrospectionClientTelemetry.MeterName);
        Assert.Equal(IntrospectionRegistrar.MeterName, IntrospectionRegistrarTelemetry.MeterName);
    }

    [Fact]
    public void AddIntrospectionInstrumentation_Tracing_ListensToEverySource()
    {
        using var tracing = Sdk.CreateTracerProviderBuilder().AddIntrospectionInstrumentation().Build();
        foreach (var name in IntrospectionTelemetryNames.ActivitySources)
        {
            using var source = new ActivitySource(name);
            Assert.True(source.HasListeners(), $"{name} has no listener");
        }

        using var other = new ActivitySource("Other.Library");
        Assert.False(other.HasListeners());
    }

    [Fact]
    public void AddIntrospectionInstrumentation_Metrics_ExportsEveryMeter()
    {
        var exported = new List<Metric>();
        using var metrics = Sdk.CreateMeterProviderBuilder().AddIntrospectionInstrumentation().AddInMemoryExporter(exported).Build();
        var meters = IntrospectionTelemetryNames.Meters.Select(n => new Meter(n)).ToArray();
        try
        {
            foreach (var meter in meters)
            {
                meter.CreateCounter<long>("introspection.test.probes", "{probe}", "test").Add(1);
            }

            metrics!.ForceFlush();
            Assert.Equal(IntrospectionTelemetryNames.Meters.Order(), exported.Select(m => m.MeterName).Distinct().Order());
        }
        finally
        {
            foreach (var meter in meters)
            {
                meter.Dispose();
            }
        }
    }
}
