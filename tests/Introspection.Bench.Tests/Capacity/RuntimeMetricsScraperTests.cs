using Introspection.Bench.Capacity;

namespace Introspection.Bench.Tests.Capacity;

/// <summary>Reading the runtime's GC figures out of the registry's Prometheus exposition.</summary>
public sealed class RuntimeMetricsScraperTests
{
    [Fact]
    public void Parse_SystemRuntimeMeter_SumsHeapGenerationsAndReadsPausesAndCollections()
    {
        const string exposition = """
            # TYPE dotnet_gc_last_collection_heap_size_bytes gauge
            dotnet_gc_last_collection_heap_size_bytes{otel_scope_name="System.Runtime",gc_heap_generation="gen0"} 1000 1733140000000
            dotnet_gc_last_collection_heap_size_bytes{otel_scope_name="System.Runtime",gc_heap_generation="gen2"} 5000 1733140000000
            dotnet_gc_last_collection_heap_size_bytes{otel_scope_name="System.Runtime",gc_heap_generation="loh"} 250
            # TYPE dotnet_gc_pause_time_seconds_total counter
            dotnet_gc_pause_time_seconds_total{otel_scope_name="System.Runtime"} 1.25
            dotnet_gc_collections_total{otel_scope_name="System.Runtime",gc_heap_generation="gen0"} 12
            dotnet_gc_collections_total{otel_scope_name="System.Runtime",gc_heap_generation="gen1"} 4
            dotnet_gc_collections_total{otel_scope_name="System.Runtime",gc_heap_generation="gen2"} 2
            introspection_registry_instances{otel_scope_name="Introspection.Registry"} 99
            """;

        var sample = RuntimeMetricsScraper.Parse(exposition);

        Assert.Equal(6250, sample.HeapBytes);
        Assert.Equal(1.25, sample.GcPauseSeconds);
        Assert.Equal("10/3/1", sample.CollectionsSince(new RuntimeMetricsSample(0, 0, 2, 1, 1)));
        Assert.Equal(250, sample.PauseMsSince(new RuntimeMetricsSample(0, 1.0, 0, 0, 0)));
    }

    [Fact]
    public void Parse_WithoutTheRuntimeMeter_LeavesEveryFigureUnknown()
    {
        var sample = RuntimeMetricsScraper.Parse("introspection_registry_instances 99\n");

        Assert.Equal(RuntimeMetricsSample.None, sample);
        Assert.Null(sample.PauseMsSince(sample));
        Assert.Equal("n/a", sample.CollectionsSince(sample));
    }
}
