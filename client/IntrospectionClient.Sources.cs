using System.Diagnostics.Metrics;
using Introspection.Client.Internal;
using Introspection.Client.Sources;
using Microsoft.Extensions.Logging;

namespace Introspection.Client;

// Where a service comes from: the default registry (the rest of the client), a named registry group (a client of its
// own per group), DNS (a DnsServiceSource per service, feeding this client's view) or a static pin.
public sealed partial class IntrospectionClient
{
    // One client per registry group: its own registry connection, Watch stream, view, metadata cache and snapshot, so
    // an outage of one group's registries leaves the services of the others untouched (the notes' advice to split
    // registries by business). Created with this client; each starts on its first target.
    private readonly Dictionary<string, IntrospectionClient> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DnsServiceSource> _dnsSources = new(StringComparer.Ordinal);

    private void CreateRegistryGroups(ILoggerFactory loggerFactory, IMeterFactory? meterFactory, IMetadataFetcher fetcher, IRandomSource random)
    {
        foreach (var (name, group) in _options.RegistryGroups)
        {
            _groups[name] = new IntrospectionClient(GroupOptions(_options, name, group), loggerFactory, _timeProvider, meterFactory, fetcher, random);
        }
    }

    /// <summary>The group client that serves <paramref name="service"/>, or null when this client does.</summary>
    private IntrospectionClient? GroupClientFor(string service)
    {
        if (_groups.Count == 0 || _options.StaticEndpoints.ContainsKey(service))
        {
            return null;
        }

        return _options.ServiceSources.TryGetValue(service, out var source)
            && source is { Source: ServiceSourceKind.Registry, Registry: { Length: > 0 } name }
            ? _groups[name]
            : null;
    }

    /// <summary>The static pin of <paramref name="service"/>: <see cref="IntrospectionClientOptions.StaticEndpoints"/> first, then a static source.</summary>
    private string? StaticPinOf(string service) =>
        _options.StaticEndpoints.TryGetValue(service, out var configured) ? configured
        : _options.ServiceSources.TryGetValue(service, out var source) && source.Source == ServiceSourceKind.Static ? source.Endpoints
        : null;

    /// <summary>The DNS endpoints of <paramref name="service"/> (its source started on first use), or null when it is not DNS-sourced.</summary>
    private ExternalEndpoints? DnsEndpointsOf(string service)
    {
        if (!_options.ServiceSources.TryGetValue(service, out var source) || source.Source != ServiceSourceKind.Dns || source.Dns is null)
        {
            return null;
        }

        lock (_dnsSources)
        {
            if (!_dnsSources.TryGetValue(service, out var dns))
            {
                ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
                dns = new DnsServiceSource(service, source.Dns, DnsServiceSource.CreateLookup(source.Dns), _options.EmptyProtection, _timeProvider, _logger, _publisher.RequestRecompute);
                _dnsSources[service] = dns;
                dns.Start();
            }

            return dns.Endpoints;
        }
    }

    private async ValueTask DisposeSourcesAsync()
    {
        DnsServiceSource[] sources;
        lock (_dnsSources)
        {
            sources = [.. _dnsSources.Values];
        }

        foreach (var source in sources)
        {
            await source.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var group in _groups.Values)
        {
            await group.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The options of a group's client: this client's settings with the group's registries, namespace and snapshot file.</summary>
    internal static IntrospectionClientOptions GroupOptions(IntrospectionClientOptions options, string name, RegistryGroupOptions group)
    {
        var copy = new IntrospectionClientOptions();

        // Every settable property is a plain setting (timeouts, flags, hooks) that applies to the group as it does to the
        // default registry; the collections (registries, services, pins, sources, groups) are this client's own.
        foreach (var property in typeof(IntrospectionClientOptions).GetProperties())
        {
            if (property.CanRead && property.CanWrite && property.GetIndexParameters().Length == 0)
            {
                property.SetValue(copy, property.GetValue(options));
            }
        }

        foreach (var registry in group.Registries)
        {
            copy.Registries.Add(registry);
        }

        copy.Namespace = group.Namespace ?? options.Namespace;
        copy.SnapshotPath = options.SnapshotPath is { Length: > 0 } path
            ? Path.Combine(Path.GetDirectoryName(path) ?? string.Empty, $"{Path.GetFileNameWithoutExtension(path)}.{name}{Path.GetExtension(path)}")
            : DefaultSnapshotPath(copy.Namespace.Length == 0 ? name : $"{copy.Namespace}.{name}");
        return copy;
    }
}
