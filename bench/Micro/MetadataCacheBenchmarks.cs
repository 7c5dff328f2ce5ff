using BenchmarkDotNet.Attributes;
using Introspection.Bench.Load;
using Introspection.Client.Internal;
using Introspection.Protocol.Metadata.V1;
using Introspection.Protocol.Registry.V1;
using Microsoft.Extensions.Logging.Abstractions;

namespace Introspection.Bench.Micro;

/// <summary>
/// The consumer's metadata cache keyed by (app, revision): a hit (what every resolution after the
/// first does), and the verification a fetched answer gets before it is cached (re-hashing it).
/// </summary>
public class MetadataCacheBenchmarks
{
    private MetadataCache _cache = null!;
    private MetadataKey _key;
    private MetadataInfo _info = new();

    /// <summary>Fills the cache with 1,000 apps' metadata (10 services × 20 params each).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var catalog = new ScenarioCatalog(new LoadOptions { Apps = 1000, ServicesPerApp = 10, ParamsPerService = 20 });
        _cache = new MetadataCache(
            new NeverFetcher(),
            _ => [],
            sizeLimit: 1L << 30,
            initialBackoff: TimeSpan.FromSeconds(1),
            maxBackoff: TimeSpan.FromSeconds(10),
            SharedRandomSource.Instance,
            TimeProvider.System,
            new Introspection.Client.Internal.IntrospectionClientMetrics(null),
            NullLogger.Instance);
        for (var app = 0; app < 1000; app++)
        {
            var info = catalog.Metadata(app, 1);
            if (!_cache.TryAddVerified(new MetadataKey(info.App, info.Revision), info, out var reason))
            {
                throw new InvalidOperationException(reason);
            }
        }

        _info = catalog.Metadata(500, 1);
        _key = new MetadataKey(_info.App, _info.Revision);
    }

    /// <summary>Cleans up.</summary>
    [GlobalCleanup]
    public void Cleanup() => _cache.Dispose();

    /// <summary>A cache hit.</summary>
    [Benchmark]
    public MetadataInfo? Hit() => _cache.GetOrFetch(_key, out _);

    /// <summary>Verifying a fetched answer (revision and content hash) before caching it.</summary>
    [Benchmark]
    public bool Verify() => MetadataCache.Verify(_key, _info, out _);

    private sealed class NeverFetcher : IMetadataFetcher
    {
        public Task<MetadataInfo> FetchAsync(Instance instance, string revision, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the benchmark only reads cached metadata");
    }
}
