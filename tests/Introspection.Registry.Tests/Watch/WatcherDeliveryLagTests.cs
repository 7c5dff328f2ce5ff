using Introspection.Registry.Stores;
using Introspection.Registry.Watch;

namespace Introspection.Registry.Tests.Watch;

/// <summary>
/// The watcher keeps when the oldest change of a batch was offered, so the session can record the
/// change-to-delivered lag (<see cref="RegistryMetricNames.DeliveryLag"/>) for the oldest change of each message.
/// </summary>
public sealed class WatcherDeliveryLagTests
{
    private static ChangeEvent Put(long revision) =>
        new(revision, ChangeKind.Put, "default", new InstanceRecord("orders", $"i{revision}", "10.0.0.1", 5000, "0", new Dictionary<string, string>()), null);

    [Fact]
    public void Drain_AfterSeveralOffers_ReportsTheOldestOfferTime()
    {
        var watcher = new Watcher(new WatchFilter("default", null, false), capacity: 10);
        watcher.Offer(Put(1), offeredAt: 100);
        watcher.Offer(Put(2), offeredAt: 200);

        Assert.Equal(2, watcher.Drain(out _).Count);
        Assert.Equal(100, watcher.OldestDrained);

        // The next batch starts its own clock; an empty drain reports none.
        watcher.Offer(Put(3), offeredAt: 300);
        watcher.Drain(out _);
        Assert.Equal(300, watcher.OldestDrained);
        Assert.Empty(watcher.Drain(out _));
        Assert.Equal(0, watcher.OldestDrained);
    }

    [Fact]
    public void Drain_ChangeOfAnotherNamespace_DoesNotStartTheClock()
    {
        var watcher = new Watcher(new WatchFilter("other", null, false), capacity: 10);
        watcher.Offer(Put(1), offeredAt: 100);

        Assert.Empty(watcher.Drain(out _));
        Assert.Equal(0, watcher.OldestDrained);
    }
}
