using Introspection.Registry.Stores;
using Introspection.Registry.Stores.Memory;
using Introspection.Registry.Tests.Infrastructure;
using Introspection.Registry.Watch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Introspection.Registry.Tests.Watch;

/// <summary>A store outage seen by the watch pump: the exception once, short retries, then the recovery.</summary>
public sealed class WatchHubOutageTests
{
    [Fact]
    public async Task Pump_StoreDownForSeveralRetries_ExceptionLoggedOnceThenRecoveryLogged()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = TestServices.Options();
        var store = new SwitchableStore(new MemoryRegistryStore(options, time)) { Down = true };
        var logger = new FakeLogger<WatchHub>();
        using var hub = new WatchHub(store, options, time, logger);
        await hub.StartAsync(CancellationToken.None).WaitAsync(TestTimeouts.Long);
        try
        {
            // The pump retries every second (fake time): tick until it failed a few times.
            await Poll.TickUntilAsync(time, TimeSpan.FromSeconds(1), () => store.Calls >= 4);
            store.Down = false;
            await Poll.TickUntilAsync(time, TimeSpan.FromSeconds(1), () => logger.Collector.GetSnapshot().Any(r => r.Id.Id == 305));
        }
        finally
        {
            await hub.StopAsync(CancellationToken.None).WaitAsync(TestTimeouts.Long);
        }

        var records = logger.Collector.GetSnapshot();
        Assert.Single(records, r => r.Exception is not null);
        Assert.Single(records, r => r.Id.Id == 300);
        Assert.True(records.Count(r => r.Id.Id == 304) >= 2, string.Join(",", records.Select(r => r.Id.Id)));
        Assert.All(records.Where(r => r.Id.Id == 304), r => Assert.Null(r.Exception));
        Assert.Contains(records, r => r.Id.Id == 305 && r.Level == LogLevel.Information);
    }


    private sealed class SwitchableStore(IRegistryStore inner) : DelegatingStore(inner)
    {
        private int _calls;

        public volatile bool Down;

        public int Calls => Volatile.Read(ref _calls);

        public override ValueTask<long> GetRevisionAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Down ? throw new RegistryStoreUnavailableException("test: the store is down") : base.GetRevisionAsync(cancellationToken);
        }
    }
}
