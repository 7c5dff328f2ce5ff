using System.Globalization;
using System.Net;
using System.Net.Http;

namespace Introspection.Bench.Capacity;

/// <summary>
/// Reads the registry's Prometheus endpoint for the runtime's GC figures: managed heap size after the last
/// collection (summed over generations), total GC pause time and collections per generation. The registry
/// serves HTTP/2 only, so the scrape speaks h2c with prior knowledge.
/// </summary>
internal sealed class RuntimeMetricsScraper : IDisposable
{
    private const string HeapSize = "dotnet_gc_last_collection_heap_size_bytes";
    private const string PauseTime = "dotnet_gc_pause_time_seconds";
    private const string Collections = "dotnet_gc_collections";

    private readonly HttpClient _http;
    private readonly Uri _metrics;

    public RuntimeMetricsScraper(Uri registry)
    {
        _http = new HttpClient(new SocketsHttpHandler())
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(10),
        };
        _metrics = new Uri(registry, "/metrics");
    }

    public async Task<RuntimeMetricsSample> ReadAsync(CancellationToken ct)
    {
        string text;
        try
        {
            text = await _http.GetStringAsync(_metrics, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            return RuntimeMetricsSample.None;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return RuntimeMetricsSample.None;
        }

        return Parse(text);
    }

    public static RuntimeMetricsSample Parse(string exposition)
    {
        ArgumentNullException.ThrowIfNull(exposition);
        double? heap = null, pause = null, gen0 = null, gen1 = null, gen2 = null;
        foreach (var raw in exposition.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var nameEnd = line.IndexOfAny(['{', ' ']);
            if (nameEnd <= 0)
            {
                continue;
            }

            // OpenMetrics lines may end in a timestamp: the value is the first field after the labels.
            var afterLabels = line[(line.IndexOf('}') is var close and >= 0 ? close + 1 : nameEnd)..].Trim();
            var valueText = afterLabels.Split(' ')[0];
            if (!double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            var name = line[..nameEnd];
            if (name == HeapSize)
            {
                heap = (heap ?? 0) + value;
            }
            else if (name is PauseTime or PauseTime + "_total")
            {
                pause = (pause ?? 0) + value;
            }
            else if (name is Collections or Collections + "_total")
            {
                if (line.Contains("\"gen0\"", StringComparison.Ordinal))
                {
                    gen0 = (gen0 ?? 0) + value;
                }
                else if (line.Contains("\"gen1\"", StringComparison.Ordinal))
                {
                    gen1 = (gen1 ?? 0) + value;
                }
                else if (line.Contains("\"gen2\"", StringComparison.Ordinal))
                {
                    gen2 = (gen2 ?? 0) + value;
                }
            }
        }

        return new RuntimeMetricsSample(heap, pause, gen0, gen1, gen2);
    }

    public void Dispose() => _http.Dispose();
}
