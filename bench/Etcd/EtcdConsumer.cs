using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Introspection.Bench.Etcd.V3;
using Introspection.Bench.Load;

namespace Introspection.Bench.Etcd;

/// <summary>
/// One Dubbo 2 consumer process on etcd: one connection, and per service it uses a Range of the
/// service's <c>providers/</c> prefix (the initial list) then a watcher on that prefix from the
/// next revision. Like an etcd client, its watchers share one Watch stream (one watcher per
/// service). Every Range and Watch response received is counted, by serialized size, as pushed
/// watch traffic: the initial Range stands for the registry's first SNAPSHOT.
/// </summary>
internal sealed class EtcdConsumer : IAsyncDisposable
{
    private readonly EtcdClients _etcd;
    private readonly IReadOnlyList<string> _services;
    private readonly LoadCounters _counters;
    private readonly object _lock = new();
    private readonly Dictionary<string, Dictionary<string, ViewEntry>> _view = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private List<(long Revision, long Timestamp)> _receipts = [];
    private Task? _loop;
    private long _lastRevision;
    private int _created;

    public EtcdConsumer(Uri etcd, IReadOnlyList<string> services, LoadCounters counters)
    {
        _etcd = new EtcdClients(etcd);
        _services = services;
        _counters = counters;
        foreach (var service in services)
        {
            _view[service] = new Dictionary<string, ViewEntry>(StringComparer.Ordinal);
        }
    }

    /// <summary>Watchers (one per service), the counterpart of the full model's Watch streams.</summary>
    public int WatcherCount => _services.Count;

    /// <summary>Lists every service, opens the watch stream and waits until every watcher is created.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        foreach (var service in _services)
        {
            var prefix = DubboEtcdKeys.ProvidersPrefix(service);
            var range = await _etcd.Kv.RangeAsync(
                new RangeRequest { Key = ByteString.CopyFromUtf8(prefix), RangeEnd = DubboEtcdKeys.RangeEnd(prefix) },
                deadline: Infrastructure.RpcDeadline.FromNow(),
                cancellationToken: ct).ConfigureAwait(false);
            var now = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref _counters.WatchMessages);
            Interlocked.Add(ref _counters.WatchBytes, range.CalculateSize());
            lock (_lock)
            {
                foreach (var kv in range.Kvs)
                {
                    Apply(service, Event.Types.EventType.Put, kv, now);
                }

                _lastRevision = Math.Max(_lastRevision, range.Header.Revision);
            }
        }

        _loop = Task.Run(() => WatchLoopAsync(_stop.Token), CancellationToken.None);
        var deadline = Stopwatch.StartNew();
        while (Volatile.Read(ref _created) < _services.Count)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException("a consumer's etcd watchers were not all created within 60 s");
            }

            await Task.Delay(10, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The (etcd revision, arrival time) of each change seen since the last call.</summary>
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
            foreach (var (service, keys) in _view)
            {
                if (!expected.Matches(service, keys, _ => true))
                {
                    return false;
                }
            }

            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or RpcException or TimeoutException)
            {
            }
        }

        _etcd.Dispose();
        _stop.Dispose();
    }

    private async Task WatchLoopAsync(CancellationToken ct)
    {
        // A broken stream is reopened from the revision after the last one seen; bounded so a dead etcd ends the loop.
        for (var attempt = 0; attempt < 20 && !ct.IsCancellationRequested; attempt++)
        {
            try
            {
                using var call = _etcd.Watch.Watch(cancellationToken: ct);
                long start;
                lock (_lock)
                {
                    start = _lastRevision + 1;
                }

                for (var i = 0; i < _services.Count; i++)
                {
                    var prefix = DubboEtcdKeys.ProvidersPrefix(_services[i]);
                    await call.RequestStream.WriteAsync(
                        new WatchRequest
                        {
                            CreateRequest = new WatchCreateRequest
                            {
                                Key = ByteString.CopyFromUtf8(prefix),
                                RangeEnd = DubboEtcdKeys.RangeEnd(prefix),
                                StartRevision = start,
                                // Our own ids (etcd 3.4 accepts them): watch id - 1 is the service's index.
                                WatchId = i + 1,
                            },
                        },
                        ct).ConfigureAwait(false);
                }

                await foreach (var response in call.ResponseStream.ReadAllAsync(ct).ConfigureAwait(false))
                {
                    var now = Stopwatch.GetTimestamp();
                    Interlocked.Increment(ref _counters.WatchMessages);
                    Interlocked.Add(ref _counters.WatchBytes, response.CalculateSize());
                    if (response.Created && attempt == 0)
                    {
                        Interlocked.Increment(ref _created);
                    }

                    if (response.Canceled || response.CompactRevision > 0)
                    {
                        Interlocked.Increment(ref _counters.WatchErrors);
                        continue;
                    }

                    if (response.WatchId < 1 || response.WatchId > _services.Count)
                    {
                        continue;
                    }

                    var service = _services[(int)response.WatchId - 1];
                    lock (_lock)
                    {
                        foreach (var e in response.Events)
                        {
                            Apply(service, e.Type, e.Kv, now);
                            _lastRevision = Math.Max(_lastRevision, e.Kv.ModRevision);
                        }
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

    private void Apply(string service, Event.Types.EventType type, KeyValue kv, long now)
    {
        var key = kv.Key.ToStringUtf8();
        var keys = _view[service];
        if (type == Event.Types.EventType.Put)
        {
            keys[key] = new ViewEntry(kv.ModRevision, string.Empty, string.Empty, 0);
        }
        else
        {
            keys.Remove(key);
        }

        // A DELETE event's kv carries the revision of the deletion as its mod revision.
        _receipts.Add((kv.ModRevision, now));
    }
}
