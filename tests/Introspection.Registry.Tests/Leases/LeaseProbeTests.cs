using Introspection.Registry.Leases;
using Introspection.Registry.Stores;
using Introspection.Registry.Stores.Memory;
using Introspection.Registry.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Introspection.Registry.Tests.Leases;

/// <summary>The registry-initiated probe before eviction, on a memory store with fake time and a fake prober.</summary>
public sealed class LeaseProbeTests
{
    private const string Ns = "default";
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly IOptions<RegistryOptions> _options;
    private readonly MemoryRegistryStore _store;
    private readonly FakeProber _prober;
    private readonly LeaseExtensions _extensions = new();
    private readonly LeaseSweeper _sweeper;

    public LeaseProbeTests()
    {
        _options = TestServices.Options(o =>
        {
            o.Leases.Probe.Enabled = true;
            o.Leases.Probe.MaxConsecutiveExtensions = 2;
            o.Leases.Probe.Concurrency = 2;
            o.SelfPreservation.MinimumLeases = 10;
        });
        _store = new MemoryRegistryStore(_options, _time);
        _prober = new FakeProber(_options, _time);
        var metrics = TestServices.Metrics();
        var guard = new SelfPreservationGuard(_options, metrics, NullLogger<SelfPreservationGuard>.Instance);
        _sweeper = new LeaseSweeper(_store, guard, metrics, _options, _time, NullLogger<LeaseSweeper>.Instance, _prober, _extensions);
    }

    [Fact]
    public async Task Sweep_LapsedAndProbeServing_RenewedInsteadOfEvicted()
    {
        await RegisterAsync(1);
        _time.Advance(Ttl);

        Assert.Equal(0, await _sweeper.SweepAsync(CancellationToken.None));

        Assert.Equal(1, await CountAsync());
        Assert.Equal([("10.0.0.1", 5000)], _prober.Probed);

        // Renewed to a full TTL: not lapsed again until then, so no second probe.
        _time.Advance(Ttl - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await _sweeper.SweepAsync(CancellationToken.None));
        Assert.Single(_prober.Probed);
    }

    [Fact]
    public async Task Sweep_ProbeServingBeyondMaxConsecutiveExtensions_Evicted()
    {
        await RegisterAsync(1);

        _time.Advance(Ttl);
        Assert.Equal(0, await _sweeper.SweepAsync(CancellationToken.None));
        _time.Advance(Ttl);
        Assert.Equal(0, await _sweeper.SweepAsync(CancellationToken.None));
        _time.Advance(Ttl);
        Assert.Equal(1, await _sweeper.SweepAsync(CancellationToken.None));

        Assert.Equal(0, await CountAsync());
        Assert.Equal(2, _prober.Probed.Count);
        Assert.Equal(0, _extensions.Count);
    }

    [Fact]
    public async Task Sweep_InstanceRenewedItselfBetweenExtensions_CountStartsOver()
    {
        var lease = (await RegisterAsync(1))[0];
        for (var round = 0; round < 4; round++)
        {
            _time.Advance(Ttl);
            Assert.Equal(0, await _sweeper.SweepAsync(CancellationToken.None));

            // What the KeepAlive handler does on a renewal of its own.
            await _store.RenewAsync(Ns, lease, CancellationToken.None);
            _extensions.Reset(lease);
        }

        Assert.Equal(1, await CountAsync());
        Assert.Equal(4, _prober.Probed.Count);
    }

    [Theory]
    [InlineData(nameof(ProbeOutcome.NotServing))]
    [InlineData(nameof(ProbeOutcome.Timeout))]
    [InlineData(nameof(ProbeOutcome.Unreachable))]
    public async Task Sweep_ProbeNotServing_Evicted(string outcome)
    {
        _prober.Outcome = Enum.Parse<ProbeOutcome>(outcome);
        await RegisterAsync(1);
        _time.Advance(Ttl);

        Assert.Equal(1, await _sweeper.SweepAsync(CancellationToken.None));
        Assert.Equal(0, await CountAsync());
    }

    [Fact]
    public async Task Sweep_SelfPreservationPauses_NothingProbed()
    {
        await RegisterAsync(20);
        _time.Advance(Ttl);

        Assert.Equal(0, await _sweeper.SweepAsync(CancellationToken.None));

        Assert.Empty(_prober.Probed);
        Assert.Equal(20, await CountAsync());
    }

    [Fact]
    public async Task Sweep_SlowProbes_BoundedByConcurrencyAndTimeoutBudget()
    {
        // Under MinimumLeases so self-preservation stays out of it.
        await RegisterAsync(9);
        _time.Advance(Ttl);
        _prober.Outcome = ProbeOutcome.Timeout;
        _prober.TakesFullTimeout = true;
        _prober.WaitForInFlight = 2;

        var evicted = await _sweeper.SweepAsync(CancellationToken.None).WaitAsync(TestTimeouts.Long);

        // One wave of Concurrency probes spends the budget; the rest wait for the next sweep.
        Assert.Equal(2, _prober.Probed.Count);
        Assert.True(_prober.MaxInFlight <= 2, $"{_prober.MaxInFlight} probes in flight");
        Assert.Equal(2, evicted);
        Assert.Equal(7, await CountAsync());
    }

    private async Task<List<long>> RegisterAsync(int count)
    {
        var leases = new List<long>();
        for (var i = 0; i < count; i++)
        {
            var record = new InstanceRecord("orders", $"i{i}", "10.0.0.1", 5000 + i, "0", new Dictionary<string, string>());
            var lease = (await _store.RegisterAsync(Ns, record, Ttl, CancellationToken.None)).LeaseId;

            // Renewed once at once (same expiry): an established instance, the kind self-preservation weighs.
            await _store.RenewAsync(Ns, lease, CancellationToken.None);
            leases.Add(lease);
        }

        return leases;
    }

    private async Task<int> CountAsync() =>
        (await _store.ListInstancesAsync(Ns, "orders", CancellationToken.None)).Instances.Count;

    private sealed class FakeProber(IOptions<RegistryOptions> registryOptions, FakeTimeProvider time) : InstanceProber(registryOptions)
    {
        private readonly TimeSpan _timeout = registryOptions.Value.Leases.Probe.Timeout;
        private readonly Lock _lock = new();
        private int _inFlight;

        public ProbeOutcome Outcome { get; set; } = ProbeOutcome.Serving;

        public bool TakesFullTimeout { get; set; }

        public int WaitForInFlight { get; set; }

        public List<(string Host, int Port)> Probed { get; } = [];

        public int MaxInFlight { get; private set; }

        public override async Task<ProbeOutcome> ProbeAsync(string host, int port, CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                Probed.Add((host, port));
                MaxInFlight = Math.Max(MaxInFlight, ++_inFlight);
            }

            await Task.Yield();
            if (TakesFullTimeout)
            {
                // Wait until the sweep has filled its concurrency (bounded), then take the whole timeout.
                var deadline = DateTime.UtcNow + TestTimeouts.Short;
                while (Volatile.Read(ref _inFlight) < WaitForInFlight && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(5, cancellationToken);
                }

                time.Advance(_timeout);
            }

            lock (_lock)
            {
                _inFlight--;
            }

            return Outcome;
        }
    }
}
