using Grpc.Core;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Services;
using Introspection.Registry.Stores;
using Introspection.Registry.Stores.Memory;
using Introspection.Registry.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Introspection.Registry.Tests.Services;

/// <summary>
/// Requests a KeepAlive stream has already received are renewed by one store call and answered in one
/// flush; each keeps its own answer, in order.
/// </summary>
public sealed class KeepAliveBurstTests
{
    private const string Ns = "default";
    private static readonly TimeSpan s_ttl = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task KeepAlive_BufferedBurst_OneStoreCallOneFlushAnswersInOrder()
    {
        var (store, leases) = await StoreWithLeasesAsync(40);
        var requests = leases.Select(id => new KeepAliveRequest { Namespace = Ns, LeaseId = id }).ToList();
        requests.Insert(10, new KeepAliveRequest { Namespace = Ns, LeaseId = 0 });
        requests.Insert(20, new KeepAliveRequest { Namespace = "Not A Namespace!", LeaseId = 5 });
        requests.Insert(30, new KeepAliveRequest { Namespace = Ns, LeaseId = 123456789 });
        var (responses, writer) = await RunAsync(store, new QueueStreamReader<KeepAliveRequest>([.. requests]));

        var call = Assert.Single(store.BatchSizes);
        Assert.Equal(41, call); // 40 live leases and one unknown; the two bad requests never reach the store
        Assert.Equal(requests.Select(r => r.LeaseId), responses.Select(r => r.LeaseId));
        Assert.Equal((int)StatusCode.InvalidArgument, responses[10].Code);
        Assert.Equal((int)StatusCode.InvalidArgument, responses[20].Code);
        Assert.Equal((int)StatusCode.NotFound, responses[30].Code);
        Assert.All(responses.Where((_, i) => i is not (10 or 20 or 30)), r =>
        {
            Assert.Equal(0, r.Code);
            Assert.Equal((long)s_ttl.TotalMilliseconds, r.TtlMs);
        });

        // One flush: every response but the last is buffered.
        Assert.All(writer.Flags.Take(writer.Flags.Count - 1), f => Assert.Equal(WriteFlags.BufferHint, f));
        Assert.NotEqual(WriteFlags.BufferHint, writer.Flags[^1]);
    }

    [Fact]
    public async Task KeepAlive_BurstLongerThanTheCap_SplitIntoCappedStoreCalls()
    {
        var count = (2 * RegistryService.MaxKeepAliveBurst) + 7;
        var (store, leases) = await StoreWithLeasesAsync(count);
        var (responses, _) = await RunAsync(store, new QueueStreamReader<KeepAliveRequest>([.. leases.Select(id => new KeepAliveRequest { Namespace = Ns, LeaseId = id })]));

        Assert.Equal([RegistryService.MaxKeepAliveBurst, RegistryService.MaxKeepAliveBurst, 7], store.BatchSizes);
        Assert.Equal(leases, responses.Select(r => r.LeaseId));
        Assert.All(responses, r => Assert.Equal(0, r.Code));
    }

    [Fact]
    public async Task KeepAlive_RequestsArrivingOneByOne_EachAnsweredWithoutWaitingForMore()
    {
        var (store, leases) = await StoreWithLeasesAsync(5);
        var reader = new QueueStreamReader<KeepAliveRequest>([.. leases.Select(id => new KeepAliveRequest { Namespace = Ns, LeaseId = id })]) { OneAtATime = true };
        var (responses, writer) = await RunAsync(store, reader);

        Assert.Equal([1, 1, 1, 1, 1], store.BatchSizes);
        Assert.Equal(leases, responses.Select(r => r.LeaseId));
        Assert.All(writer.Flags, f => Assert.NotEqual(WriteFlags.BufferHint, f));
        Assert.True(reader.AsynchronousReads >= 5);
    }

    [Fact]
    public async Task KeepAlive_StoreFailsForTheBurst_EveryRenewalOfItUnavailableWithItsLease()
    {
        var (store, leases) = await StoreWithLeasesAsync(3);
        store.Down = true;
        var (responses, _) = await RunAsync(store, new QueueStreamReader<KeepAliveRequest>([.. leases.Select(id => new KeepAliveRequest { Namespace = Ns, LeaseId = id })]));

        Assert.Equal(leases, responses.Select(r => r.LeaseId));
        Assert.All(responses, r => Assert.Equal((int)StatusCode.Unavailable, r.Code));
    }

    private static async Task<(BatchCountingStore Store, List<long> Leases)> StoreWithLeasesAsync(int count)
    {
        var store = new BatchCountingStore(new MemoryRegistryStore(TestServices.Options(), new FakeTimeProvider()));
        var leases = new List<long>();
        for (var i = 0; i < count; i++)
        {
            var record = new InstanceRecord("orders", $"i{i}", "10.0.0.1", 5000 + i, Instances.RevisionA, new Dictionary<string, string>());
            leases.Add((await store.RegisterAsync(Ns, record, s_ttl, CancellationToken.None)).LeaseId);
        }

        return (store, leases);
    }

    private static async Task<(IReadOnlyList<KeepAliveResponse> Responses, StoreUnavailableTests.ServerStreamWriterAdapter<KeepAliveResponse> Writer)> RunAsync(IRegistryStore store, IAsyncStreamReader<KeepAliveRequest> requests)
    {
        var service = StoreUnavailableTests.NewService(store, new RenewalOutageLog(NullLogger<RenewalOutageLog>.Instance));
        var responses = new RecordingStreamWriter<KeepAliveResponse>();
        var writer = new StoreUnavailableTests.ServerStreamWriterAdapter<KeepAliveResponse>(responses);
        await service.KeepAlive(requests, writer, new TestServerCallContext("/KeepAlive")).WaitAsync(TestTimeouts.Long);
        return (responses.Messages, writer);
    }

    /// <summary>Records the size of every <see cref="IRegistryStore.RenewBatchAsync"/> call; fails them while <see cref="Down"/>.</summary>
    private sealed class BatchCountingStore(MemoryRegistryStore memory) : DelegatingStore(memory), IRegistryStore
    {
        private readonly IRegistryStore _memory = memory;

        public List<int> BatchSizes { get; } = [];

        public bool Down { get; set; }

        public ValueTask<IReadOnlyList<RenewResult>> RenewBatchAsync(IReadOnlyList<LeaseRenewal> renewals, CancellationToken cancellationToken)
        {
            BatchSizes.Add(renewals.Count);
            return Down ? throw new RegistryStoreUnavailableException("down") : _memory.RenewBatchAsync(renewals, cancellationToken);
        }
    }
}
