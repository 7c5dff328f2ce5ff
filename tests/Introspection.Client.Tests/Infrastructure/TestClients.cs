using Introspection.Client.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace Introspection.Client.Tests.Infrastructure;

internal static class TestClients
{
    public static string NewSnapshotPath() =>
        Path.Combine(Path.GetTempPath(), "introspection-tests", Guid.NewGuid().ToString("N"), "view.json");

    /// <summary>A client against real registries, with the metadata seam replaced by <paramref name="fetcher"/>.</summary>
    public static IntrospectionClient Create(IEnumerable<string> registries, IMetadataFetcher fetcher, Action<IntrospectionClientOptions>? configure = null)
    {
        var options = new IntrospectionClientOptions
        {
            SnapshotPath = NewSnapshotPath(),
            SnapshotDebounce = TimeSpan.FromMilliseconds(50),
            ResolveTimeout = TimeSpan.FromSeconds(5),
            RegistryCallTimeout = TimeSpan.FromSeconds(2),
            RegistryRetryInitialBackoff = TimeSpan.FromMilliseconds(50),
            RegistryRetryMaxBackoff = TimeSpan.FromMilliseconds(500),
            MetadataRetryInitialBackoff = TimeSpan.FromMilliseconds(50),
        };
        foreach (var registry in registries)
        {
            options.Registries.Add(registry);
        }

        configure?.Invoke(options);
        return new IntrospectionClient(options, NullLoggerFactory.Instance, TimeProvider.System, meterFactory: null, fetcher, new ZeroRandom());
    }

    public static IntrospectionClient Create(string registry, IMetadataFetcher fetcher, Action<IntrospectionClientOptions>? configure = null) =>
        Create([registry], fetcher, configure);
}
