using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using Introspection.Bench.Infrastructure;
using Introspection.Client.Internal;
using Introspection.Client.View;
using Introspection.Protocol;
using Introspection.Protocol.Metadata.V1;
using Introspection.Protocol.Registry.V1;
using Microsoft.Extensions.Logging.Abstractions;
using RegistryClient = Introspection.Protocol.Registry.V1.Registry.RegistryClient;

namespace Introspection.Bench.Load;

/// <summary>
/// One consumer process. Holds one registry connection and a Watch stream per watch set (full
/// model: one per service; introspection: one multiplexed stream for all its apps). Counts what the
/// registry pushes by the serialized size of every received message. In introspection mode it also
/// fetches metadata once per (app, revision) from a real MetadataService endpoint, verifying it
/// hashes to the revision, and an instance only counts as seen once its metadata is cached.
/// The view itself is the client's <see cref="DiscoveryView"/>: the bench applies snapshots and deltas
/// exactly as a real consumer does, and only adds its own bookkeeping (receipts, what to fetch).
/// </summary>
internal sealed class SimulatedConsumer : IAsyncDisposable, IMetadataLookup
{
    private readonly GrpcChannel _channel;
    private readonly RegistryClient _registry;
    private readonly IReadOnlyList<string[]> _watchSets;
    private readonly bool _fetchMetadata;
    private readonly string _namespace;
    private readonly LoadCounters _counters;
    // Guards the receipts and the metadata bookkeeping, and makes a message's apply and its receipts one step.
    private readonly object _lock = new();
    private readonly DiscoveryView _view;
    private readonly Dictionary<(string App, string Revision), MetadataInfo> _metadataCache = [];
    private readonly Dictionary<(string App, string Revision), List<long>> _pending = [];
    private readonly Dictionary<string, MetadataService.MetadataServiceClient> _metadataClients = new(StringComparer.Ordinal);
    private readonly List<GrpcChannel> _metadataChannels = [];
    private readonly System.Collections.Concurrent.ConcurrentBag<Task> _tasks = [];
    private readonly CancellationTokenSource _stop = new();
    private List<(long Revision, long Timestamp)> _receipts = [];
    private int _snapshotsSeen;

    public SimulatedConsumer(Uri registry, IReadOnlyList<string[]> watchSets, bool fetchMetadata, string ns, LoadCounters counters)
    {
        _channel = GrpcChannels.Create(registry);
        _registry = new RegistryClient(_channel);
        _watchSets = watchSets;
        _fetchMetadata = fetchMetadata;
        _namespace = ns;
        _counters = counters;

        // No empty protection (the bench checks the view equals the registry's), and no target is ever resolved,
        // so the resolve timeout is never used.
        _view = new DiscoveryView(this, emptyProtection: false, hasRegistry: true, Timeout.InfiniteTimeSpan, TimeProvider.System, NullLogger.Instance);
    }

    public IEnumerable<string> WatchedApps => _watchSets.SelectMany(s => s);

    public int StreamCount => _watchSets.Count;

    /// <summary>Opens every watch stream and waits for each first snapshot.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        foreach (var set in _watchSets)
        {
            _tasks.Add(Task.Run(() => WatchLoopAsync(set, _stop.Token), CancellationToken.None));
        }

        var deadline = Stopwatch.StartNew();
        while (Volatile.Read(ref _snapshotsSeen) < _watchSets.Count)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException("a consumer's watch streams did not deliver their first snapshot within 60 s");
            }

            await Task.Delay(10, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The (registry revision, arrival time) of each change seen since the last call.</summary>
    public List<(long Revision, long Timestamp)> TakeReceipts()
    {
        lock (_lock)
        {
            var taken = _receipts;
            _receipts = [];
            return taken;
        }
    }

    public bool IsConverged(ExpectedState expected)
    {
        lock (_lock)
        {
            foreach (var app in WatchedApps)
            {
                // ModRevision is the revision of the change that last wrote the instance: the event's revision.
                var instances = _view.GetInstances(app).ToDictionary(
                    i => i.InstanceId,
                    i => new ViewEntry(i.ModRevision, i.Revision, i.Host, i.Port),
                    StringComparer.Ordinal);
                if (!expected.Matches(app, instances, e => !_fetchMetadata || _metadataCache.ContainsKey((app, e.Revision))))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>The view never asks (no target is resolved); answered from what was fetched all the same.</summary>
    MetadataInfo? IMetadataLookup.GetOrFetch(MetadataKey key, out MetadataFetchState state)
    {
        lock (_lock)
        {
            state = _metadataCache.TryGetValue((key.App, key.Revision), out var info) ? MetadataFetchState.Available : MetadataFetchState.Fetching;
            return info;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_tasks.ToArray()).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException or TimeoutException)
        {
        }

        _channel.Dispose();
        foreach (var channel in _metadataChannels)
        {
            channel.Dispose();
        }

        _stop.Dispose();
    }

    private async Task WatchLoopAsync(string[] apps, CancellationToken ct)
    {
        var appSet = new HashSet<string>(apps, StringComparer.Ordinal);
        long lastRevision = 0;
        var first = true;
        // Reconnects resume from the last revision seen; bounded so a dead registry ends the loop.
        for (var attempt = 0; attempt < 20 && !ct.IsCancellationRequested; attempt++)
        {
            try
            {
                // Compact, as the client library watches: the pushed bytes are what a real consumer downloads.
                var request = new WatchRequest { Namespace = _namespace, SinceRevision = lastRevision, Compact = true };
                request.Apps.Add(apps);
                using var call = _registry.Watch(request, cancellationToken: ct);
                await foreach (var response in call.ResponseStream.ReadAllAsync(ct).ConfigureAwait(false))
                {
                    var now = Stopwatch.GetTimestamp();
                    Interlocked.Increment(ref _counters.WatchMessages);
                    Interlocked.Add(ref _counters.WatchBytes, response.CalculateSize());
                    CompactForm.Expand(response);
                    Apply(appSet, response, now);
                    lastRevision = response.Revision;
                    if (first && response.Kind == WatchResponseKind.Snapshot)
                    {
                        first = false;
                        Interlocked.Increment(ref _snapshotsSeen);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException) when (!ct.IsCancellationRequested)
            {
                Interlocked.Increment(ref _counters.WatchErrors);
            }

            try
            {
                await Task.Delay(100, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Apply(HashSet<string> apps, WatchResponse response, long now)
    {
        var toFetch = new List<(string App, string Revision)>();
        lock (_lock)
        {
            _view.Apply(apps, response);
            if (response.Kind == WatchResponseKind.Snapshot)
            {
                foreach (var instance in response.Instances)
                {
                    Receive(instance, instance.ModRevision, now, toFetch);
                }
            }
            else
            {
                foreach (var e in response.Events)
                {
                    switch (e.Type)
                    {
                        case WatchEventType.Put:
                            Receive(e.Instance, e.Revision, now, toFetch);
                            break;
                        case WatchEventType.Delete:
                            _receipts.Add((e.Revision, now));
                            break;
                    }
                }
            }
        }

        foreach (var key in toFetch)
        {
            _tasks.Add(Task.Run(() => FetchAsync(key.App, key.Revision, _stop.Token), CancellationToken.None));
        }
    }

    /// <summary>Records when a put became usable: now, or once its metadata is fetched.</summary>
    private void Receive(Instance instance, long modRevision, long now, List<(string, string)> toFetch)
    {
        if (!_fetchMetadata || _metadataCache.ContainsKey((instance.App, instance.Revision)))
        {
            _receipts.Add((modRevision, now));
            return;
        }

        // The change is only usable once its metadata is here: record it when the fetch completes.
        var key = (instance.App, instance.Revision);
        if (!_pending.TryGetValue(key, out var waiting))
        {
            _pending[key] = waiting = [];
            toFetch.Add(key);
        }

        waiting.Add(modRevision);
    }

    private async Task FetchAsync(string app, string revision, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 10 && !ct.IsCancellationRequested; attempt++)
        {
            Instance source;
            lock (_lock)
            {
                // A random instance that has this revision (the design's "any instance of the build").
                var candidates = _view.GetFetchCandidates(new MetadataKey(app, revision));
                if (candidates.Count == 0)
                {
                    _pending.Remove((app, revision));
                    return; // no instance serves it any more; nothing to wait for
                }

                source = candidates[Random.Shared.Next(candidates.Count)];
            }

            try
            {
                var info = await MetadataClient(source.Host, source.Port)
                    .GetMetadataInfoAsync(new GetMetadataInfoRequest { Revision = revision }, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: ct)
                    .ConfigureAwait(false);
                Interlocked.Increment(ref _counters.MetadataFetches);
                if (info.Revision != revision || MetadataRevision.Compute(info) != revision)
                {
                    Interlocked.Increment(ref _counters.MetadataFetchErrors);
                    continue;
                }

                var now = Stopwatch.GetTimestamp();
                lock (_lock)
                {
                    _metadataCache[(app, revision)] = info;
                    if (_pending.Remove((app, revision), out var waiting))
                    {
                        foreach (var modRevision in waiting)
                        {
                            _receipts.Add((modRevision, now));
                        }
                    }
                }

                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException)
            {
                Interlocked.Increment(ref _counters.MetadataFetchErrors);
                await Task.Delay(50 * (attempt + 1), ct).ConfigureAwait(false);
            }
        }
    }

    private MetadataService.MetadataServiceClient MetadataClient(string host, int port)
    {
        var key = host + ":" + port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        lock (_metadataClients)
        {
            if (!_metadataClients.TryGetValue(key, out var client))
            {
                var channel = GrpcChannels.Create(new Uri("http://" + key));
                _metadataChannels.Add(channel);
                _metadataClients[key] = client = new MetadataService.MetadataServiceClient(channel);
            }

            return client;
        }
    }
}
