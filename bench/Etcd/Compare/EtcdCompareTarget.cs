using Google.Protobuf;
using Grpc.Core;
using Introspection.Bench.Etcd.V3;
using Introspection.Bench.Infrastructure;

namespace Introspection.Bench.Etcd.Compare;

/// <summary>etcd 3.4 as an <see cref="ICompareTarget"/>: an instance is a LeaseGrant then a Put of its record on that lease.</summary>
internal sealed class EtcdCompareTarget : ICompareTarget
{
    private const string Root = "/compare/";
    private readonly EtcdProcess _etcd;
    private readonly EtcdClients[] _clients;
    private long _fanoutLease;
    private int _next;

    private EtcdCompareTarget(EtcdProcess etcd, int channels)
    {
        _etcd = etcd;
        _clients = Enumerable.Range(0, channels).Select(_ => new EtcdClients(etcd.Address)).ToArray();
    }

    public string Name => "etcd";

    public string Version => _etcd.Version;

    public static async Task<EtcdCompareTarget> StartAsync(string logPath, int channels, CancellationToken ct) =>
        new(await EtcdProcess.StartAsync(logPath, ct).ConfigureAwait(false), channels);

    public ProcessSample Read() => _etcd.Read();

    public async Task<long> RegisterAsync(int index, CancellationToken ct)
    {
        var etcd = Next();
        var grant = await etcd.Lease.LeaseGrantAsync(new LeaseGrantRequest { TTL = 600 }, deadline: RpcDeadline.FromNow(), cancellationToken: ct).ConfigureAwait(false);
        var app = CompareInstance.App(index);
        var id = CompareInstance.InstanceId(index);
        await etcd.Kv.PutAsync(
            new PutRequest { Key = ByteString.CopyFromUtf8(Root + app + "/" + id), Value = CompareInstance.Create(app, id, index).ToByteString(), Lease = grant.ID },
            deadline: RpcDeadline.FromNow(),
            cancellationToken: ct).ConfigureAwait(false);
        return grant.ID;
    }

    public async Task<long> RenewStreamAsync(IReadOnlyList<long> leases, int window, DateTime until, CancellationToken ct)
    {
        using var call = Next().Lease.LeaseKeepAlive(cancellationToken: ct);
        return await PipelinedRenewals.RunAsync(
            leases,
            window,
            until,
            lease => call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = lease }, ct),
            () => call.RequestStream.CompleteAsync(),
            async count =>
            {
                await foreach (var response in call.ResponseStream.ReadAllAsync(ct).ConfigureAwait(false))
                {
                    if (response.TTL > 0)
                    {
                        count();
                    }
                }
            }).ConfigureAwait(false);
    }

    public async Task<IAsyncDisposable> WatchFanoutAsync(Action<int> onChange, CancellationToken ct)
    {
        var prefix = Root + CompareInstance.FanoutApp + "/";
        var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var call = Next().Watch.Watch(cancellationToken: stop.Token);
        await call.RequestStream.WriteAsync(
            new WatchRequest { CreateRequest = new WatchCreateRequest { Key = ByteString.CopyFromUtf8(prefix), RangeEnd = DubboEtcdKeys.RangeEnd(prefix) } }, ct).ConfigureAwait(false);
        if (!await call.ResponseStream.MoveNext(ct).ConfigureAwait(false) || !call.ResponseStream.Current.Created)
        {
            throw new InvalidOperationException("etcd did not create the fan-out watcher");
        }

        var loop = Task.Run(async () =>
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                foreach (var e in response.Events)
                {
                    var key = e.Kv.Key.ToStringUtf8();
                    var change = CompareInstance.ChangeOf(key[(key.LastIndexOf('/') + 1)..]);
                    if (e.Type == Event.Types.EventType.Put && change >= 0)
                    {
                        onChange(change);
                    }
                }
            }
        });
        return new CompareSubscription(stop, call, loop);
    }

    public async Task ChangeAsync(int change, CancellationToken ct)
    {
        var etcd = _clients[0];
        if (_fanoutLease == 0)
        {
            _fanoutLease = (await etcd.Lease.LeaseGrantAsync(new LeaseGrantRequest { TTL = 600 }, deadline: RpcDeadline.FromNow(), cancellationToken: ct).ConfigureAwait(false)).ID;
        }

        var id = CompareInstance.ChangeId(change);
        await etcd.Kv.PutAsync(
            new PutRequest
            {
                Key = ByteString.CopyFromUtf8(Root + CompareInstance.FanoutApp + "/" + id),
                Value = CompareInstance.Create(CompareInstance.FanoutApp, id, change).ToByteString(),
                Lease = _fanoutLease,
            },
            deadline: RpcDeadline.FromNow(),
            cancellationToken: ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await _etcd.DisposeAsync().ConfigureAwait(false);
    }

    private EtcdClients Next() => _clients[(int)((uint)Interlocked.Increment(ref _next) % _clients.Length)];
}
