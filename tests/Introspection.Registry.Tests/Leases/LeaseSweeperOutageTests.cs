using Introspection.Registry.Leases;
using Introspection.Registry.Stores;
using Introspection.Registry.Stores.Memory;
using Introspection.Registry.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Introspection.Registry.Tests.Leases;

/// <summary>A store outage is logged with its exception once, then briefly, then its end.</summary>
public sealed class LeaseSweeperOutageTests
{
    [Fact]
    public async Task ExecuteAsync_StoreDownForSeveralSweeps_ExceptionLoggedOnceThenRecoveryLogged()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = TestServices.Options();
        var store = new SwitchableStore(new MemoryRegistryStore(options, time)) { Down = true };
        var metrics = TestServices.Metrics();
        var logger = new FakeLogger<LeaseSweeper>();
        using var sweeper = new LeaseSweeper(store, new SelfPreservationGuard(options, metrics, NullLogger<SelfPreservationGuard>.Instance), metrics, options, time, logger);
        await sweeper.StartAsync(CancellationToken.None);
        try
        {
            // ExecuteAsync starts on its own thread: keep ticking until the sweeps have happened.
            await Poll.TickUntilAsync(time, options.Value.Leases.SweepInterval, () => store.Scans >= 4);
            store.Down = false;
            await Poll.TickUntilAsync(time, options.Value.Leases.SweepInterval, () => logger.Collector.GetSnapshot().Any(r => r.Id.Id == 214));
        }
        finally
        {
            await sweeper.StopAsync(CancellationToken.None).WaitAsync(TestTimeouts.Long);
        }

        var records = logger.Collector.GetSnapshot();
        Assert.Single(records, r => r.Exception is not null);
        Assert.Single(records, r => r.Id.Id == 211);
        Assert.True(records.Count(r => r.Id.Id == 213) >= 2, string.Join(",", records.Select(r => r.Id.Id)));
        Assert.All(records.Where(r => r.Id.Id == 213), r => Assert.Null(r.Exception));
        Assert.Contains(records, r => r.Id.Id == 214 && r.Level == LogLevel.Information);
    }


    private sealed class SwitchableStore(IRegistryStore inner) : DelegatingStore(inner)
    {
        private int _scans;

        public volatile bool Down;

        public int Scans => Volatile.Read(ref _scans);

        public override ValueTask<LeaseScan> ScanLeasesAsync(int maxLapsed, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _scans);
            return Down ? throw new RegistryStoreUnavailableException("test: the store is down") : base.ScanLeasesAsync(maxLapsed, cancellationToken);
        }
    }
}
