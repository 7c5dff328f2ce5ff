using System.Collections.Concurrent;
using Introspection.Client.View;
using Introspection.Protocol;
using Introspection.Protocol.Metadata.V1;
using Introspection.Protocol.Registry.V1;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;

namespace Introspection.Client.Internal;

/// <summary>
/// Verified metadata keyed by (app, revision), bounded by size. A revision is fetched exactly once however many
/// instances share it and however many callers ask at the same time: concurrent misses join the one in-flight
/// fetch, which tries a random instance first, then the others, then keeps retrying with backoff in the
/// background until it succeeds or no instance serves that revision any more.
/// </summary>
internal sealed partial class MetadataCache : IMetadataLookup, IDisposable
{
    // Per-entry bookkeeping a MemoryCache entry costs beyond the serialized metadata itself.
    private const long EntryOverhead = 256;

    private readonly MemoryCache _cache;
    private readonly ConcurrentDictionary<MetadataKey, FetchOperation> _inFlight = new();
    private readonly IMetadataFetcher _fetcher;
    private readonly Func<MetadataKey, IReadOnlyList<Instance>> _candidates;
    private readonly IRandomSource _random;
    private readonly TimeProvider _timeProvider;
    private readonly IntrospectionClientMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeSpan _initialBackoff;
    private readonly TimeSpan _maxBackoff;
    private readonly CancellationTokenSource _stopping = new();

    public MetadataCache(
        IMetadataFetcher fetcher,
        Func<MetadataKey, IReadOnlyList<Instance>> candidates,
        long sizeLimit,
        TimeSpan initialBackoff,
        TimeSpan maxBackoff,
        IRandomSource random,
        TimeProvider timeProvider,
        IntrospectionClientMetrics metrics,
        ILogger logger)
    {
        _fetcher = fetcher;
        _candidates = candidates;
        _random = random;
        _timeProvider = timeProvider;
        _metrics = metrics;
        _logger = logger;
        _initialBackoff = initialBackoff;
        _maxBackoff = maxBackoff;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = sizeLimit });
    }

    /// <summary>Raised (on a thread-pool thread) when metadata was cached or a fetch round failed.</summary>
    public event Action? Changed;

    /// <summary>Number of fetches in progress (tests and diagnostics).</summary>
    public int InFlightCount => _inFlight.Count;

    /// <summary>Returns cached metadata without starting a fetch and without counting a hit or miss.</summary>
    public MetadataInfo? Peek(MetadataKey key) => _cache.TryGetValue(key, out MetadataInfo? info) ? info : null;

    /// <summary>
    /// Returns the cached metadata of <paramref name="key"/>, or starts (or joins) its single fetch and
    /// reports how that fetch stands.
    /// </summary>
    public MetadataInfo? GetOrFetch(MetadataKey key, out MetadataFetchState state)
    {
        if (_cache.TryGetValue(key, out MetadataInfo? info))
        {
            _metrics.CacheHit();
            state = MetadataFetchState.Available;
            return info;
        }

        _metrics.CacheMiss();
        if (_inFlight.TryGetValue(key, out var existing))
        {
            state = existing.RoundFailed ? MetadataFetchState.Failing : MetadataFetchState.Fetching;
            return null;
        }

        var operation = new FetchOperation(key);
        if (!_inFlight.TryAdd(key, operation))
        {
            // Another caller won the race to start it; join theirs.
            state = _inFlight.TryGetValue(key, out existing) && existing.RoundFailed ? MetadataFetchState.Failing : MetadataFetchState.Fetching;
            return null;
        }

        // A fetch that completed between our miss and our TryAdd stored its result before leaving _inFlight:
        // look again so that it is not fetched twice.
        if (_cache.TryGetValue(key, out info))
        {
            _inFlight.TryRemove(new KeyValuePair<MetadataKey, FetchOperation>(key, operation));
            state = MetadataFetchState.Available;
            return info;
        }

        if (_stopping.IsCancellationRequested)
        {
            _inFlight.TryRemove(new KeyValuePair<MetadataKey, FetchOperation>(key, operation));
            state = MetadataFetchState.Failing;
            return null;
        }

        // The first miss of a revision happens on whichever thread recomputes; the retries it starts outlive it.
        operation.Task = BackgroundWork.Run(() => RunAsync(operation, _stopping.Token));
        state = MetadataFetchState.Fetching;
        return null;
    }

    /// <summary>Adds metadata read from a disk snapshot, after the same checks a fetched answer gets.</summary>
    public bool TryAddVerified(MetadataKey key, MetadataInfo info, out string? reason)
    {
        if (!Verify(key, info, out reason))
        {
            return false;
        }

        Store(key, info);
        return true;
    }

    /// <summary>Checks that <paramref name="info"/> is the metadata asked for: same app, same revision, and content that hashes to it.</summary>
    internal static bool Verify(MetadataKey key, MetadataInfo info, out string? reason)
    {
        if (!string.Equals(info.Revision, key.Revision, StringComparison.Ordinal))
        {
            reason = $"the answer claims revision '{info.Revision}'";
            return false;
        }

        if (info.App.Length != 0 && !string.Equals(info.App, key.App, StringComparison.Ordinal))
        {
            reason = $"the answer is for app '{info.App}'";
            return false;
        }

        string computed;
        try
        {
            computed = MetadataRevision.Compute(info);
        }
        catch (ArgumentException ex)
        {
            reason = $"the answer cannot be hashed: {ex.Message}";
            return false;
        }

        if (!string.Equals(computed, key.Revision, StringComparison.Ordinal))
        {
            reason = $"the answer's content hashes to '{computed}'";
            return false;
        }

        reason = null;
        return true;
    }

    private async Task RunAsync(FetchOperation operation, CancellationToken cancellationToken)
    {
        var key = operation.Key;
        var backoff = new Backoff(_initialBackoff, _maxBackoff, _random);
        try
        {
            for (var round = 1; ; round++)
            {
                var candidates = _candidates(key);
                if (candidates.Count == 0)
                {
                    Log.FetchAbandoned(_logger, key.App, key.Revision);
                    return;
                }

                foreach (var instance in Shuffle(candidates))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    MetadataInfo info;
                    // One span per call to one instance (a root span: fetches run without the caller's context).
                    using var activity = MetadataFetchTelemetry.Start(key, instance, round);
                    var started = _timeProvider.GetTimestamp();
                    try
                    {
                        info = await _fetcher.FetchAsync(instance, key.Revision, cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        throw;
                    }
                    catch (Exception ex)
                    {
                        MetadataFetchTelemetry.Failed(activity, ex);
                        _metrics.MetadataFetched("error", _timeProvider.GetElapsedTime(started));
                        Log.FetchFailed(_logger, key.App, key.Revision, instance.InstanceId, instance.Host, instance.Port, ex);
                        continue;
                    }

                    if (!Verify(key, info, out var reason))
                    {
                        MetadataFetchTelemetry.Rejected(activity, reason!);
                        _metrics.MetadataFetched("rejected", _timeProvider.GetElapsedTime(started));
                        Log.MetadataRejected(_logger, key.App, key.Revision, instance.InstanceId, instance.Host, instance.Port, reason!);
                        continue;
                    }

                    MetadataFetchTelemetry.Succeeded(activity, info);
                    _metrics.MetadataFetched("success", _timeProvider.GetElapsedTime(started));
                    Store(key, info);
                    Log.MetadataCached(_logger, key.App, key.Revision, info.Services.Count, instance.InstanceId);
                    return;
                }

                operation.RoundFailed = true;
                var delay = backoff.Next();
                Log.FetchRoundFailed(_logger, key.App, key.Revision, round, candidates.Count, delay);
                RaiseChanged();
                await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.FetchCrashed(_logger, key.App, key.Revision, ex);
        }
        finally
        {
            // Stored (if at all) before leaving _inFlight: see GetOrFetch.
            _inFlight.TryRemove(new KeyValuePair<MetadataKey, FetchOperation>(key, operation));
            RaiseChanged();
        }
    }

    private void Store(MetadataKey key, MetadataInfo info)
    {
        _cache.Set(key, info, new MemoryCacheEntryOptions { Size = info.CalculateSize() + EntryOverhead });
    }

    private List<Instance> Shuffle(IReadOnlyList<Instance> candidates)
    {
        var list = new List<Instance>(candidates);
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = _random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }

        return list;
    }

    private void RaiseChanged()
    {
        try
        {
            Changed?.Invoke();
        }
        catch (Exception ex)
        {
            Log.ChangedHandlerFailed(_logger, ex);
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _cache.Dispose();
    }

    /// <summary>Waits for running fetches to observe cancellation (used on dispose).</summary>
    public async Task DrainAsync()
    {
        _stopping.Cancel();
        foreach (var operation in _inFlight.Values)
        {
            if (operation.Task is { } task)
            {
                await task.ConfigureAwait(false);
            }
        }
    }

    private sealed class FetchOperation(MetadataKey key)
    {
        public MetadataKey Key { get; } = key;

        public volatile bool RoundFailed;

        public Task? Task { get; set; }
    }
}
