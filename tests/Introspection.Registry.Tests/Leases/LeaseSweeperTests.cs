using Introspection.Registry.Leases;
using Introspection.Registry.Stores;
using Introspection.Registry.Stores.Memory;
using Introspection.Registry.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Introspection.Registry.Tests.Leases;

/// <summary>Expiry and self-preservation, on a memory store with fake time.</summary>
public sealed class LeaseSweeperTests
{
    private const string Ns = "default";
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly IOptions<RegistryOptions> _options = TestServices.Options(o =>
    {
        o.SelfPreservation.Threshold = 0.5;
        o.SelfPreservation.MinimumLeases = 10;
        o.SelfPreservation.Window = TimeSpan.FromSeconds(30);
    });

    private readonly MemoryRegistryStore _store;
    private readonly SelfPreservationGuard _guard;
    private readonly LeaseSweeper _sweeper;

    public LeaseSweeperTests()
    {
        _store = new MemoryRegistryStore(_options, _time);
        var metrics = TestServices.Metrics();
        _guard = new SelfPreservationGuard(_options, metrics, NullLogger<SelfPreservationGuard>.Instance);
        _sweeper = new LeaseSweeper(_store, _guard, metrics, _options, _time, NullLogger<LeaseSweeper>.Instance);
    }

    [Fact]
    public async Task Sweep_BeforeTtl_EvictsNothing()
    {
        await RegisterAsync(3);
        _time.Advance(Ttl - TimeSpan.FromMilliseconds(1));

        Assert.Equal(0, await _sweeper.SweepAsync(CancellationToken.None));
        Assert.Equal(3, await CountAsync());
    }

    [Fact]
    public async Task Sweep_AfterTtl_EvictsWithDeleteEvents()
    {
        var start = await _store.GetRevisionAsync(CancellationToken.None);
        await RegisterAsync(3);
        _time.Advance(Ttl);

        Assert.Equal(3, await _sweeper.SweepAsync(CancellationToken.None));

        Assert.Equal(0, await CountAsync());
        var events = (await _store.ReadChangesAsync(start, 100, CancellationToken.None)).Events;
        Assert.Equal(3, events.Count(e => e.Kind == ChangeKind.Delete));
    }

    [Fact]
    public async Task Sweep_RenewedLease_Kept()
    {
        var leases = await RegisterAsync(2);
        _time.Advance(TimeSpan.FromSeconds(6));
        await _store.RenewAsync(Ns, leases[0], CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal(1, await _sweeper.SweepAsync(CancellationToken.None));
        Assert.Equal(["i0"], (await _store.ListInstancesAsync(Ns, "orders", CancellationToken.None)).Instances.Select(i => i.InstanceId));
    }

    [Fact]
    public async Task Sweep_MostLeasesLapseAtOnce_EvictionPauses()
    {
        var leases = await RegisterAsync(20);
        _time.Advance(TimeSpan.FromSeconds(5));
        foreach (var lease in leases.Take(5))
        {
            await _store.RenewAsync(Ns, lease, CancellationToken.None);
        }

        _time.Advance(TimeSpan.FromSeconds(6));

        // 15 of 20 lapsed (75% > 50%): the registry's own network is suspect, nothing is evicted.
        Assert.Equal(0, await _sweeper.SweepAsync(CancellationToken.None));
        Assert.True(_guard.IsPaused);
        Assert.Equal(20, await CountAsync());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, await _sweeper.SweepAsync(CancellationToken.None));
        Assert.Equal(20, await CountAsync());
    }

    [Fact]
    public async Task Sweep_RenewalsRecover_EvictionResumes()
    {
        var leases = await RegisterAsync(20);
        _time.Advance(Ttl);
        Assert.Equal(0, await _sweeper.SweepAsync(CancellationToken.None));
        Assert.True(_guard.IsPaused);

        // The partition heals: most instances renew, the few truly dead ones are evicted now.
        foreach (var lease in leases.Take(16))
        {
            Assert.True((await _store.RenewAsync(Ns, lease, CancellationToken.None)).Found);
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(4, await _sweeper.SweepAsync(CancellationToken.None));
        Assert.False(_guard.IsPaused);
        Assert.Equal(16, await CountAsync());
    }

    [Fact]
    public async Task Sweep_LapsesSpreadOverWindow_PausesOnceShareExceeded()
    {
        // 20 leases lapse 4 at a time, one sweep each: each sweep alone is 20%, but over the window
        // the share passes 50% and eviction must pause before everything is gone.
        var leases = await RegisterAsync(20);
        var evicted = 0;
        for (var round = 0; round < 5; round++)
        {
            _time.Advance(TimeSpan.FromSeconds(2));
            foreach (var lease in leases.Skip((round + 1) * 4))
            {
                await _store.RenewAsync(Ns, lease, CancellationToken.None);
            }

            _time.Advance(Ttl);
            foreach (var lease in leases.Skip((round + 1) * 4))
            {
                await _store.RenewAsync(Ns, lease, CancellationToken.None);
            }

            evicted += await _sweeper.SweepAsync(CancellationToken.None);
        }

        Assert.True(_guard.IsPaused);
        Assert.InRange(evicted, 8, 10);
    }

    [Fact]
    public async Task Sweep_SmallRegistry_NeverPauses()
    {
        await RegisterAsync(5);
        _time.Advance(Ttl);

        Assert.Equal(5, await _sweeper.SweepAsync(CancellationToken.None));
        Assert.False(_guard.IsPaused);
    }

    [Fact]
    public async Task Sweep_SelfPreservationDisabled_EvictsEverything()
    {
        var options = TestServices.Options(o => o.SelfPreservation.Enabled = false);
        var store = new MemoryRegistryStore(options, _time);
        var metrics = TestServices.Metrics();
        var sweeper = new LeaseSweeper(store, new SelfPreservationGuard(options, metrics, NullLogger<SelfPreservationGuard>.Instance), metrics, options, _time, NullLogger<LeaseSweeper>.Instance);
        for (var i = 0; i < 20; i++)
        {
            await store.RegisterAsync(Ns, new InstanceRecord("orders", $"i{i}", "10.0.0.1", 5000, "0", new Dictionary<string, string>()), Ttl, CancellationToken.None);
        }

        _time.Advance(Ttl);

        Assert.Equal(20, await sweeper.SweepAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Sweep_FloodOfNeverRenewedLeases_EvictedOnTimeWithoutPausing()
    {
        // The black-box finding: one client registers 200 instances and never renews. That is a
        // failed start, not a partition; the 20 established instances keep renewing.
        var established = await RegisterAsync(20);
        await RegisterJunkAsync(200, TimeSpan.FromSeconds(3));
        _time.Advance(TimeSpan.FromSeconds(3));
        await RenewAllAsync(established);

        Assert.Equal(200, await _sweeper.SweepAsync(CancellationToken.None));

        Assert.False(_guard.IsPaused);
        Assert.Equal(0, await CountAsync("junk"));
        Assert.Equal(20, await CountAsync());
    }

    [Fact]
    public async Task Sweep_EstablishedLeasesLapseAmidJunk_StillPauses()
    {
        // Junk does not dilute the share either: 15 of 20 established leases lapsing is a partition,
        // however many never-renewed leases sit beside them.
        var established = await RegisterAsync(20);
        await RegisterJunkAsync(200, Ttl);
        _time.Advance(TimeSpan.FromSeconds(5));
        await RenewAllAsync(established.Take(5));
        _time.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal(0, await _sweeper.SweepAsync(CancellationToken.None));

        Assert.True(_guard.IsPaused);
        Assert.Equal(20, await CountAsync());
        Assert.Equal(200, await CountAsync("junk"));
    }

    [Fact]
    public async Task Sweep_EstablishedEvictionsOverWindow_JunkEvictionsDoNotCount()
    {
        // 200 junk evictions in the window must not count as lapses of established instances: when
        // later 4 of 20 established leases lapse (20%), they are evicted.
        var established = await RegisterAsync(20);
        await RegisterJunkAsync(200, TimeSpan.FromSeconds(3));
        _time.Advance(TimeSpan.FromSeconds(3));
        await RenewAllAsync(established);
        Assert.Equal(200, await _sweeper.SweepAsync(CancellationToken.None));

        _time.Advance(TimeSpan.FromSeconds(5));
        await RenewAllAsync(established.Skip(4));
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(4, await _sweeper.SweepAsync(CancellationToken.None));
        Assert.False(_guard.IsPaused);
    }

    [Fact]
    public async Task ExecuteAsync_TimerTicks_EvictsLapsedLease()
    {
        await RegisterAsync(1);
        using var cts = new CancellationTokenSource(TestTimeouts.Long);
        await _sweeper.StartAsync(cts.Token);
        try
        {
            // Drive the sweeper's PeriodicTimer with fake time until it has run a sweep past the TTL.
            await Poll.UntilAsync(async () =>
            {
                _time.Advance(TimeSpan.FromSeconds(1));
                return await CountAsync() == 0;
            });
        }
        finally
        {
            await _sweeper.StopAsync(CancellationToken.None).WaitAsync(TestTimeouts.Long);
        }

        Assert.True(_time.GetUtcNow() >= new DateTimeOffset(2030, 1, 1, 0, 0, 10, TimeSpan.Zero));
    }

    private async Task<List<long>> RegisterAsync(int count)
    {
        var leases = new List<long>();
        for (var i = 0; i < count; i++)
        {
            var record = new InstanceRecord("orders", $"i{i}", "10.0.0.1", 5000, "0", new Dictionary<string, string>());
            var lease = (await _store.RegisterAsync(Ns, record, Ttl, CancellationToken.None)).LeaseId;

            // Renewed once at once (same expiry): an established instance, the kind self-preservation weighs.
            await _store.RenewAsync(Ns, lease, CancellationToken.None);
            leases.Add(lease);
        }

        return leases;
    }

    [Fact]
    public async Task ExecuteAsync_AppWithoutInstancesForUnmapAfter_MappingsRemoved()
    {
        await _store.MapServicesAsync(Ns, "ghost", ["s.A"], CancellationToken.None);
        await _store.MapServicesAsync(Ns, "orders", ["s.A"], CancellationToken.None);
        var lease = (await RegisterAsync(1))[0];
        using var cts = new CancellationTokenSource(TestTimeouts.Long);
        await _sweeper.StartAsync(cts.Token);
        try
        {
            // Keep "orders" alive while the sweeper ticks past the default UnmapAfter (5 min).
            await Poll.UntilAsync(async () =>
            {
                _time.Advance(TimeSpan.FromSeconds(5));
                Assert.True((await _store.RenewAsync(Ns, lease, CancellationToken.None)).Found);
                return (await _store.LookupServiceAsync(Ns, "s.A", CancellationToken.None)).Apps.Count == 1;
            });
        }
        finally
        {
            await _sweeper.StopAsync(CancellationToken.None).WaitAsync(TestTimeouts.Long);
        }

        Assert.Equal(["orders"], (await _store.LookupServiceAsync(Ns, "s.A", CancellationToken.None)).Apps);
        Assert.True(_time.GetUtcNow() >= new DateTimeOffset(2030, 1, 1, 0, 5, 0, TimeSpan.Zero));
    }

    private async Task RegisterJunkAsync(int count, TimeSpan ttl)
    {
        for (var i = 0; i < count; i++)
        {
            var record = new InstanceRecord("junk", $"j{i}", "10.0.0.2", 5000, "0", new Dictionary<string, string>());
            await _store.RegisterAsync(Ns, record, ttl, CancellationToken.None);
        }
    }

    private async Task RenewAllAsync(IEnumerable<long> leases)
    {
        foreach (var lease in leases)
        {
            Assert.True((await _store.RenewAsync(Ns, lease, CancellationToken.None)).Found);
        }
    }

    private async Task<int> CountAsync(string app) =>
        (await _store.ListInstancesAsync(Ns, app, CancellationToken.None)).Instances.Count;

    private async Task<int> CountAsync() =>
        (await _store.ListInstancesAsync(Ns, "orders", CancellationToken.None)).Instances.Count;
}
