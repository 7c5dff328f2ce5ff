using Grpc.Core;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Internal;
using Introspection.Registry.Leases;
using Introspection.Registry.Services;
using Introspection.Registry.Stores;
using Introspection.Registry.Tests.Infrastructure;
using Introspection.Registry.Watch;
using Introspection.Wire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Introspection.Registry.Tests.Services;

/// <summary>While the store is unreachable every call answers UNAVAILABLE, never something stale.</summary>
public sealed class StoreUnavailableTests
{
    private readonly UnavailableStore _store = new();
    private readonly RegistryService _service;
    private readonly StoreUnavailableInterceptor _interceptor = new(NullLogger<StoreUnavailableInterceptor>.Instance);

    public StoreUnavailableTests()
    {
        _service = NewService(_store, new RenewalOutageLog(NullLogger<RenewalOutageLog>.Instance));
    }

    [Fact]
    public async Task Register_StoreDown_Unavailable()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _interceptor.UnaryServerHandler<RegisterRequest, RegisterResponse>(
            Instances.Register(), new TestServerCallContext("/Register"), (r, c) => _service.Register(r, c))).WaitAsync(TestTimeouts.Long);

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }

    [Fact]
    public async Task ListApps_StoreDown_Unavailable()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _interceptor.UnaryServerHandler<ListAppsRequest, ListAppsResponse>(
            new ListAppsRequest(), new TestServerCallContext("/ListApps"), (r, c) => _service.ListApps(r, c))).WaitAsync(TestTimeouts.Long);

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }

    [Fact]
    public async Task BadRequest_StoreDown_StillInvalidArgument()
    {
        // Validation happens before the store is touched: a bad request is bad, outage or not.
        var ex = await Assert.ThrowsAsync<RpcException>(() => _interceptor.UnaryServerHandler<ListAppsRequest, ListAppsResponse>(
            new ListAppsRequest { Namespace = "bad ns" }, new TestServerCallContext("/ListApps"), (r, c) => _service.ListApps(r, c))).WaitAsync(TestTimeouts.Long);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }

    [Fact]
    public async Task KeepAlive_StoreDown_Code14PerResponse()
    {
        var requests = new QueueStreamReader<KeepAliveRequest>(new KeepAliveRequest { LeaseId = 7 }, new KeepAliveRequest { LeaseId = 8 });
        var responses = new RecordingStreamWriter<KeepAliveResponse>();
        var writer = new ServerStreamWriterAdapter<KeepAliveResponse>(responses);

        await _interceptor.DuplexStreamingServerHandler<KeepAliveRequest, KeepAliveResponse>(
            requests, writer, new TestServerCallContext("/KeepAlive"), (r, w, c) => _service.KeepAlive(r, w, c)).WaitAsync(TestTimeouts.Long);

        Assert.Equal([7L, 8L], responses.Messages.Select(m => m.LeaseId));
        Assert.All(responses.Messages, m => Assert.Equal((int)StatusCode.Unavailable, m.Code));
    }

    [Fact]
    public async Task KeepAlive_StoreOutageAndRecovery_OneWarningOneRecoveryLine()
    {
        // 10 renewals fail, then they succeed again: one warning (with the exception) for the outage,
        // Debug lines without it in between, one line for the recovery; not one warning per renewal.
        var store = new FlakyRenewStore(failures: 10);
        var outageLog = new FakeLogger<RenewalOutageLog>();
        var serviceLog = new FakeLogger<RegistryService>();
        var service = NewService(store, new RenewalOutageLog(outageLog), serviceLog);
        // One request per read, as a provider renewing one lease at a time sends them: each is its own store call.
        var requests = new QueueStreamReader<KeepAliveRequest>([.. Enumerable.Range(1, 13).Select(i => new KeepAliveRequest { LeaseId = i })]) { OneAtATime = true };
        var responses = new RecordingStreamWriter<KeepAliveResponse>();

        await service.KeepAlive(requests, new ServerStreamWriterAdapter<KeepAliveResponse>(responses), new TestServerCallContext("/KeepAlive")).WaitAsync(TestTimeouts.Long);

        Assert.Equal(10, responses.Messages.Count(m => m.Code == (int)StatusCode.Unavailable));
        var records = outageLog.Collector.GetSnapshot();
        var warning = Assert.Single(records, r => r.Level >= LogLevel.Warning);
        Assert.Equal(103, warning.Id.Id);
        Assert.NotNull(warning.Exception);
        Assert.Equal(9, records.Count(r => r.Id.Id == 104 && r.Level == LogLevel.Debug && r.Exception is null));
        Assert.Single(records, r => r.Id.Id == 105 && r.Level == LogLevel.Information);
        Assert.DoesNotContain(serviceLog.Collector.GetSnapshot(), r => r.Level >= LogLevel.Warning);
    }

    internal static RegistryService NewService(IRegistryStore store, RenewalOutageLog outage, ILogger<RegistryService>? logger = null)
    {
        var options = TestServices.Options();
        var metrics = TestServices.Metrics();
        var time = new FakeTimeProvider();
        var hub = new WatchHub(store, options, time, NullLogger<WatchHub>.Instance);
        return new RegistryService(
            store,
            new RequestValidator(options),
            new LeaseTtlPolicy(options),
            new WatchSession(store, hub, metrics, options, time, NullLogger<WatchSession>.Instance),
            metrics,
            new TestLifetime(),
            logger ?? NullLogger<RegistryService>.Instance,
            new LeaseExtensions(),
            new WireErrorLog(NullLogger<WireErrorLog>.Instance, time),
            outage);
    }

    /// <summary>Renewals fail with an outage for the first <c>failures</c> calls, then find every lease.</summary>
    private sealed class FlakyRenewStore(int failures) : DelegatingStore(new UnavailableStore())
    {
        private int _calls;

        public override ValueTask<RenewResult> RenewAsync(string ns, long leaseId, CancellationToken cancellationToken) =>
            ++_calls <= failures
                ? throw new RegistryStoreUnavailableException("down")
                : ValueTask.FromResult(new RenewResult(true, TimeSpan.FromSeconds(10)));
    }

    private sealed class TestLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }

    internal sealed class ServerStreamWriterAdapter<T>(RecordingStreamWriter<T> inner) : IServerStreamWriter<T>
    {
        private readonly List<WriteFlags> _flags = [];

        public WriteOptions? WriteOptions { get; set; }

        /// <summary>The <see cref="WriteOptions"/> flags each write was made with, in order.</summary>
        public IReadOnlyList<WriteFlags> Flags => _flags;

        public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

        public Task WriteAsync(T message, CancellationToken cancellationToken)
        {
            _flags.Add(WriteOptions?.Flags ?? default);
            return inner.WriteAsync(message, cancellationToken);
        }
    }
}
