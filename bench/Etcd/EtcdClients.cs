using Grpc.Net.Client;
using Introspection.Bench.Etcd.V3;
using Introspection.Bench.Infrastructure;

namespace Introspection.Bench.Etcd;

/// <summary>The etcd clients of one channel (one HTTP/2 connection pool), as a provider or the meter uses them.</summary>
internal sealed class EtcdClients : IDisposable
{
    private readonly GrpcChannel _channel;

    public EtcdClients(Uri address)
    {
        _channel = GrpcChannels.Create(address);
        Kv = new KV.KVClient(_channel);
        Lease = new Lease.LeaseClient(_channel);
        Watch = new Watch.WatchClient(_channel);
    }

    public KV.KVClient Kv { get; }

    public Lease.LeaseClient Lease { get; }

    public Watch.WatchClient Watch { get; }

    public void Dispose() => _channel.Dispose();
}
