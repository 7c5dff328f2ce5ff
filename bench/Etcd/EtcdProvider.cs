using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Introspection.Bench.Etcd.V3;
using Introspection.Bench.Infrastructure;
using Introspection.Bench.Load;

namespace Introspection.Bench.Etcd;

/// <summary>
/// One Dubbo 2 provider process on etcd: ONE lease for the process, one key per service it exposes,
/// all attached to that lease, and one LeaseKeepAlive stream that renews the lease every TTL/3.
/// Registering grants the lease and puts the keys; unregistering deletes the keys (Dubbo 2's
/// unregister) and revokes the lease (its client closing).
/// </summary>
internal sealed class EtcdProvider
{
    private readonly ScenarioCatalog _catalog;
    private readonly int _services;
    private readonly string[] _keys;
    private CancellationTokenSource? _stop;
    private Task? _loop;
    private long _leaseId;
    private int _registering;

    public EtcdProvider(int app, int index, string host, int port, int services, int channel, ScenarioCatalog catalog)
    {
        App = app;
        Index = index;
        Host = host;
        Port = port;
        Channel = channel;
        _services = services;
        _catalog = catalog;
        _keys = new string[services];
    }

    public int App { get; }

    public int Index { get; }

    public string Host { get; }

    public int Port { get; }

    /// <summary>Which of the runner's etcd channels this process uses.</summary>
    public int Channel { get; }

    public int Build { get; set; } = 1;

    /// <summary>Set when scale-in takes the process away: a lapsed lease must not bring it back.</summary>
    public volatile bool Removed;

    /// <summary>Keys this process holds now (one per service).</summary>
    public int EntryCount => _services;

    /// <summary>Grants the process's lease and puts one key per service on it; 1 + services write RPCs.</summary>
    public async Task RegisterAsync(EtcdClients etcd, long ttlSeconds, ExpectedState expected, LoadCounters counters, bool isReRegistration, CancellationToken ct)
    {
        Interlocked.Exchange(ref _registering, 1);
        try
        {
            var grant = await etcd.Lease.LeaseGrantAsync(new LeaseGrantRequest { TTL = ttlSeconds }, deadline: RpcDeadline.FromNow(), cancellationToken: ct).ConfigureAwait(false);
            CountWrite(counters, isReRegistration);
            if (grant.Error.Length > 0)
            {
                throw new InvalidOperationException("etcd refused a lease: " + grant.Error);
            }

            var value = ByteString.CopyFromUtf8(grant.ID.ToString(CultureInfo.InvariantCulture));
            for (var s = 0; s < _services; s++)
            {
                var service = ScenarioCatalog.ServiceName(App, s);
                var key = DubboEtcdKeys.ProviderKey(service, DubboEtcdKeys.ProviderUrl(service, Host, Port, _catalog.FullLabels(App, s, Build)));
                var put = await etcd.Kv.PutAsync(
                    new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = value, Lease = grant.ID }, deadline: RpcDeadline.FromNow(), cancellationToken: ct).ConfigureAwait(false);
                var ack = Stopwatch.GetTimestamp();
                CountWrite(counters, isReRegistration);
                expected.Put(service, key, put.Header.Revision, ack);
                _keys[s] = key;
            }

            Interlocked.Exchange(ref _leaseId, grant.ID);
        }
        finally
        {
            Interlocked.Exchange(ref _registering, 0);
        }
    }

    /// <summary>Deletes every key of the process, then revokes its lease; services + 1 write RPCs.</summary>
    public async Task UnregisterAsync(EtcdClients etcd, ExpectedState expected, LoadCounters counters, CancellationToken ct)
    {
        Interlocked.Exchange(ref _registering, 1);
        try
        {
            for (var s = 0; s < _services; s++)
            {
                var deleted = await etcd.Kv.DeleteRangeAsync(
                    new DeleteRangeRequest { Key = ByteString.CopyFromUtf8(_keys[s]) }, deadline: RpcDeadline.FromNow(), cancellationToken: ct).ConfigureAwait(false);
                var ack = Stopwatch.GetTimestamp();
                Interlocked.Increment(ref counters.WriteRpcs);
                expected.Delete(ScenarioCatalog.ServiceName(App, s), _keys[s], deleted.Header.Revision, ack);
            }

            await etcd.Lease.LeaseRevokeAsync(new LeaseRevokeRequest { ID = Interlocked.Read(ref _leaseId) }, deadline: RpcDeadline.FromNow(), cancellationToken: ct).ConfigureAwait(false);
            Interlocked.Increment(ref counters.WriteRpcs);
        }
        finally
        {
            Interlocked.Exchange(ref _registering, 0);
        }
    }

    /// <summary>Starts renewing the one lease every <paramref name="interval"/>; <paramref name="onLapsed"/> hears of a lease etcd no longer knows.</summary>
    public void StartKeepAlive(EtcdClients etcd, TimeSpan interval, LoadCounters counters, Action<EtcdProvider, long> onLapsed, CancellationToken ct)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _loop = Task.Run(() => RunAsync(etcd, interval, counters, onLapsed, _stop.Token), CancellationToken.None);
    }

    public async Task StopKeepAliveAsync()
    {
        if (_stop is null || _loop is null)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException or TimeoutException)
        {
            // Stopping is the point; how the stream ended does not matter.
        }

        _stop.Dispose();
        _stop = null;
        _loop = null;
    }

    /// <summary>True when <paramref name="leaseId"/> is still the process's lease and no (re-)registration is under way.</summary>
    public bool IsCurrentLease(long leaseId) => Volatile.Read(ref _registering) == 0 && Interlocked.Read(ref _leaseId) == leaseId;

    private static void CountWrite(LoadCounters counters, bool isReRegistration)
    {
        Interlocked.Increment(ref counters.WriteRpcs);
        if (isReRegistration)
        {
            // Not part of the scenario: the runner subtracts these from the write RPCs it checks.
            Interlocked.Increment(ref counters.ReRegistrations);
        }
    }

    private async Task RunAsync(EtcdClients etcd, TimeSpan interval, LoadCounters counters, Action<EtcdProvider, long> onLapsed, CancellationToken ct)
    {
        // Processes start at random points of the interval, like real ones, instead of in lockstep.
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * interval.TotalMilliseconds), ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        // A broken stream is reopened (bounded: an etcd that is gone ends the run anyway).
        for (var attempt = 0; attempt < 20 && !ct.IsCancellationRequested; attempt++)
        {
            try
            {
                await RunStreamAsync(etcd, interval, counters, onLapsed, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException) when (!ct.IsCancellationRequested)
            {
                Interlocked.Increment(ref counters.RenewalErrors);
            }

            try
            {
                await Task.Delay(200, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RunStreamAsync(EtcdClients etcd, TimeSpan interval, LoadCounters counters, Action<EtcdProvider, long> onLapsed, CancellationToken ct)
    {
        using var call = etcd.Lease.LeaseKeepAlive(cancellationToken: ct);
        var reader = Task.Run(
            async () =>
            {
                await foreach (var response in call.ResponseStream.ReadAllAsync(ct).ConfigureAwait(false))
                {
                    if (response.TTL > 0)
                    {
                        Interlocked.Increment(ref counters.Renewals);
                    }
                    else
                    {
                        // etcd answers TTL <= 0 for a lease it does not know (expired or revoked).
                        Interlocked.Increment(ref counters.RenewalsNotFound);
                        onLapsed(this, response.ID);
                    }
                }
            },
            CancellationToken.None);

        try
        {
            using var timer = new PeriodicTimer(interval);
            do
            {
                var lease = Interlocked.Read(ref _leaseId);
                if (lease != 0 && Volatile.Read(ref _registering) == 0)
                {
                    await call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = lease }, ct).ConfigureAwait(false);
                }
            }
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
        }
        finally
        {
            try
            {
                await reader.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or RpcException)
            {
                // The writer's outcome is what the caller acts on.
            }
        }
    }
}
