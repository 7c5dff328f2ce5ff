using Grpc.Core;
using Grpc.Net.Client;
using Introspection.Bench.Infrastructure;
using Introspection.Protocol.Registry.V1;
using RegistryClient = Introspection.Protocol.Registry.V1.Registry.RegistryClient;

namespace Introspection.Bench.Etcd.Compare;

/// <summary>Our registry (a fresh process, memory store) as an <see cref="ICompareTarget"/>: an instance is one Register.</summary>
internal sealed class RegistryCompareTarget : ICompareTarget
{
    private readonly RegistryProcess _registry;
    private readonly GrpcChannel[] _channels;
    private readonly RegistryClient[] _clients;
    private int _next;

    private RegistryCompareTarget(RegistryProcess registry, int channels)
    {
        _registry = registry;
        _channels = Enumerable.Range(0, channels).Select(_ => GrpcChannels.Create(registry.Address)).ToArray();
        _clients = _channels.Select(c => new RegistryClient(c)).ToArray();
    }

    public string Name => "registry";

    public static async Task<RegistryCompareTarget> StartAsync(
        string registryDll, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string logPath, int channels, CancellationToken ct) =>
        new(await RegistryProcess.StartAsync(registryDll, args, environment, logPath, ct).ConfigureAwait(false), channels);

    public ProcessSample Read() => _registry.Read();

    public async Task<long> RegisterAsync(int index, CancellationToken ct)
    {
        var instance = CompareInstance.Create(CompareInstance.App(index), CompareInstance.InstanceId(index), index);
        var response = await Next().RegisterAsync(
            new RegisterRequest { Namespace = CompareInstance.Namespace, Instance = instance, TtlMs = 600_000 }, deadline: RpcDeadline.FromNow(), cancellationToken: ct).ConfigureAwait(false);
        return response.LeaseId;
    }

    public async Task<long> RenewStreamAsync(IReadOnlyList<long> leases, int window, DateTime until, CancellationToken ct)
    {
        using var call = Next().KeepAlive(cancellationToken: ct);
        return await PipelinedRenewals.RunAsync(
            leases,
            window,
            until,
            lease => call.RequestStream.WriteAsync(new KeepAliveRequest { Namespace = CompareInstance.Namespace, LeaseId = lease }, ct),
            () => call.RequestStream.CompleteAsync(),
            async count =>
            {
                await foreach (var response in call.ResponseStream.ReadAllAsync(ct).ConfigureAwait(false))
                {
                    if (response.Code == (int)StatusCode.OK)
                    {
                        count();
                    }
                }
            }).ConfigureAwait(false);
    }

    public async Task<IAsyncDisposable> WatchFanoutAsync(Action<int> onChange, CancellationToken ct)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var call = Next().Watch(new WatchRequest { Namespace = CompareInstance.Namespace, Apps = { CompareInstance.FanoutApp } }, cancellationToken: stop.Token);
        // The first message is the snapshot: the watcher is live once it is here.
        if (!await call.ResponseStream.MoveNext(ct).ConfigureAwait(false) || call.ResponseStream.Current.Kind != WatchResponseKind.Snapshot)
        {
            throw new InvalidOperationException("the registry did not send the fan-out watcher its snapshot");
        }

        var loop = Task.Run(async () =>
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                foreach (var e in response.Events)
                {
                    var change = e.Type == WatchEventType.Put ? CompareInstance.ChangeOf(e.Instance.InstanceId) : -1;
                    if (change >= 0)
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
        var id = CompareInstance.ChangeId(change);
        await _clients[0].RegisterAsync(
            new RegisterRequest { Namespace = CompareInstance.Namespace, Instance = CompareInstance.Create(CompareInstance.FanoutApp, id, change), TtlMs = 600_000 },
            deadline: RpcDeadline.FromNow(),
            cancellationToken: ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        await _registry.DisposeAsync().ConfigureAwait(false);
    }

    private RegistryClient Next() => _clients[(int)((uint)Interlocked.Increment(ref _next) % _clients.Length)];
}
