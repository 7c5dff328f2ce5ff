using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Tests.Infrastructure;

namespace Introspection.Registry.Tests.Watch;

public sealed class WatchSessionTests
{
    [Fact]
    public async Task RunAsync_NewWatcher_SnapshotThenOrderedDeltas()
    {
        await using var harness = new WatchHarness(o => o.Watch.CoalescingWindow = TimeSpan.Zero);
        await harness.StartAsync();
        var existing = await harness.RegisterAsync("orders", "a");

        var writer = harness.Watch(new HashSet<string> { "orders" });
        await WatchHarness.WaitForMessagesAsync(writer, 1);
        var added = await harness.RegisterAsync("orders", "b");
        await harness.RegisterAsync("billing", "x");
        var removed = await harness.Store.DeregisterAsync("default", "orders", "a", CancellationToken.None);

        await Poll.UntilAsync(() => writer.Messages.SelectMany(m => m.Events).Count() >= 2);
        var snapshot = writer.Messages[0];
        Assert.Equal(WatchResponseKind.Snapshot, snapshot.Kind);
        Assert.Equal(existing.Revision, snapshot.Revision);
        Assert.Equal("a", Assert.Single(snapshot.Instances).InstanceId);
        var events = writer.Messages.Skip(1).SelectMany(m => m.Events).ToList();
        Assert.Equal([added.Revision, removed!.Value], events.Select(e => e.Revision));
        Assert.Equal([WatchEventType.Put, WatchEventType.Delete], events.Select(e => e.Type));
    }

    [Fact]
    public async Task RunAsync_ResumeFromRevision_ExactlyMissedThenLiveWithoutDuplicates()
    {
        await using var harness = new WatchHarness(o => o.Watch.CoalescingWindow = TimeSpan.Zero);
        await harness.StartAsync();
        var seen = await harness.RegisterAsync("orders", "a");
        var missed1 = await harness.RegisterAsync("orders", "b");
        var missed2 = await harness.RegisterAsync("orders", "c");

        var writer = harness.Watch(since: seen.Revision);
        await WatchHarness.WaitForMessagesAsync(writer, 1);
        var live = await harness.RegisterAsync("orders", "d");
        await WatchHarness.WaitForMessagesAsync(writer, 2);

        var catchUp = writer.Messages[0];
        Assert.Equal(WatchResponseKind.Delta, catchUp.Kind);
        Assert.Equal([missed1.Revision, missed2.Revision], catchUp.Events.Select(e => e.Revision));
        Assert.Equal(missed2.Revision, catchUp.Revision);
        Assert.Equal([live.Revision], writer.Messages[1].Events.Select(e => e.Revision));
        Assert.Equal(2, writer.Messages.Count);
    }

    [Fact]
    public async Task RunAsync_ResumeUpToDate_EmptyDeltaAtCurrentRevision()
    {
        await using var harness = new WatchHarness(o => o.Watch.CoalescingWindow = TimeSpan.Zero);
        await harness.StartAsync();
        var seen = await harness.RegisterAsync("orders", "a");

        var writer = harness.Watch(since: seen.Revision);
        await WatchHarness.WaitForMessagesAsync(writer, 1);

        Assert.Equal(WatchResponseKind.Delta, writer.Messages[0].Kind);
        Assert.Empty(writer.Messages[0].Events);
        Assert.Equal(seen.Revision, writer.Messages[0].Revision);
    }

    [Fact]
    public async Task RunAsync_ResumeOlderThanHistory_ResetSnapshot()
    {
        await using var harness = new WatchHarness(o =>
        {
            o.Watch.CoalescingWindow = TimeSpan.Zero;
            o.History.MaxEvents = 3;
        });
        await harness.StartAsync();
        var seen = await harness.RegisterAsync("orders", "i0");
        for (var i = 1; i < 6; i++)
        {
            await harness.RegisterAsync("orders", $"i{i}");
        }

        var current = await harness.Store.GetRevisionAsync(CancellationToken.None);
        var writer = harness.Watch(since: seen.Revision);
        await WatchHarness.WaitForMessagesAsync(writer, 1);

        var snapshot = writer.Messages[0];
        Assert.Equal(WatchResponseKind.Snapshot, snapshot.Kind);
        Assert.True(snapshot.Reset);
        Assert.Equal(current, snapshot.Revision);
        Assert.Equal(6, snapshot.Instances.Count);
    }

    [Fact]
    public async Task RunAsync_ChangesWithinCoalescingWindow_OneDelta()
    {
        await using var harness = new WatchHarness(o => o.Watch.CoalescingWindow = TimeSpan.FromMilliseconds(50));
        await harness.StartAsync();
        var writer = harness.Watch();
        await WatchHarness.WaitForMessagesAsync(writer, 1);

        var first = await harness.RegisterAsync("orders", "a");

        // The session now waits out the window on the (fake) clock: more changes join the same message.
        await Poll.UntilAsync(() => harness.Time.TimersCreated >= 1, because: "the coalescing delay started");
        await harness.RegisterAsync("orders", "b");
        var last = await harness.RegisterAsync("billing", "c");
        await Poll.UntilAsync(() => harness.Hub.DispatchedRevision >= last.Revision, because: "the hub dispatched every change");
        Assert.Single(writer.Messages);

        harness.Time.Advance(TimeSpan.FromMilliseconds(50));
        await WatchHarness.WaitForMessagesAsync(writer, 2);

        var delta = writer.Messages[1];
        Assert.Equal(["a", "b", "c"], delta.Events.Select(e => e.Instance.InstanceId));
        Assert.Equal(first.Revision, delta.Events[0].Revision);
        Assert.Equal(last.Revision, delta.Revision);
    }

    [Fact]
    public async Task RunAsync_ChangeAfterQuietPeriod_SentAtOnceThenBurstWaitsOutTheWindow()
    {
        await using var harness = new WatchHarness(o => o.Watch.CoalescingWindow = TimeSpan.FromMilliseconds(50));
        await harness.StartAsync();
        var writer = harness.Watch();
        await WatchHarness.WaitForMessagesAsync(writer, 1);

        // Quiet for a whole window since the snapshot: the next change goes out without the clock moving.
        harness.Time.Advance(TimeSpan.FromMilliseconds(50));
        var first = await harness.RegisterAsync("orders", "a");
        await WatchHarness.WaitForMessagesAsync(writer, 2);
        Assert.Equal([first.Revision], writer.Messages[1].Events.Select(e => e.Revision));

        // A burst right behind it: it waits out the window that began with the message just written.
        var timers = harness.Time.TimersCreated;
        await harness.RegisterAsync("orders", "b");
        var last = await harness.RegisterAsync("billing", "c");
        await Poll.UntilAsync(() => harness.Hub.DispatchedRevision >= last.Revision, because: "the hub dispatched every change");
        await Poll.UntilAsync(() => harness.Time.TimersCreated > timers, because: "the session waits for the window's end");
        Assert.Equal(2, writer.Messages.Count);

        harness.Time.Advance(TimeSpan.FromMilliseconds(50));
        await WatchHarness.WaitForMessagesAsync(writer, 3);
        Assert.Equal(["b", "c"], writer.Messages[2].Events.Select(e => e.Instance.InstanceId));
        Assert.Equal(last.Revision, writer.Messages[2].Revision);
    }

    [Fact]
    public async Task RunAsync_StuckWatcher_OthersAndRegistryUnaffectedThenReset()
    {
        await using var harness = new WatchHarness(o =>
        {
            o.Watch.CoalescingWindow = TimeSpan.Zero;
            o.Watch.QueueCapacity = 4;
        });
        await harness.StartAsync();
        var stuck = harness.Watch();
        var healthy = harness.Watch();
        await WatchHarness.WaitForMessagesAsync(stuck, 1);
        await WatchHarness.WaitForMessagesAsync(healthy, 1);
        stuck.Block();

        // The registry keeps accepting changes and the healthy watcher gets every one of them, while
        // the stuck watcher's write never completes. (Paced so the healthy watcher's tiny queue
        // itself never overflows.)
        for (var i = 0; i < 50; i++)
        {
            await harness.RegisterAsync("orders", $"i{i}").WaitAsync(TestTimeouts.Short);
            var expected = i + 1;
            await Poll.UntilAsync(() => healthy.Messages.SelectMany(m => m.Events).Count() == expected, because: $"the healthy watcher saw event {expected}");
        }

        Assert.Equal(1, stuck.BlockedWrites);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"i{i}"), healthy.Messages.SelectMany(m => m.Events).Select(e => e.Instance.InstanceId));
        Assert.All(healthy.Messages.Skip(1), m => Assert.Equal(WatchResponseKind.Delta, m.Kind));

        // The stuck one overflowed its 4-event queue; once it reads again it gets a reset snapshot.
        var current = await harness.Store.GetRevisionAsync(CancellationToken.None);
        stuck.Unblock();
        await Poll.UntilAsync(() => stuck.Messages.Any(m => m.Reset), because: "the stuck watcher got a reset snapshot");
        var reset = stuck.Messages.Last(m => m.Reset);
        Assert.Equal(WatchResponseKind.Snapshot, reset.Kind);
        Assert.Equal(current, reset.Revision);
        Assert.Equal(50, reset.Instances.Count);
    }

    [Fact]
    public async Task RunAsync_AppFilterWithMappings_OnlyWatchedAppsAndAllMappings()
    {
        await using var harness = new WatchHarness(o => o.Watch.CoalescingWindow = TimeSpan.Zero);
        await harness.StartAsync();
        await harness.Store.MapServicesAsync("default", "billing", ["pay.Billing"], CancellationToken.None);
        var withMappings = harness.Watch(new HashSet<string> { "orders" }, mappings: true);
        var withoutMappings = harness.Watch(new HashSet<string> { "orders" });
        await WatchHarness.WaitForMessagesAsync(withMappings, 1);
        await WatchHarness.WaitForMessagesAsync(withoutMappings, 1);

        await harness.RegisterAsync("billing", "x");
        await harness.Store.MapServicesAsync("default", "orders", ["shop.Orders"], CancellationToken.None);
        var last = await harness.RegisterAsync("orders", "a");
        await Poll.UntilAsync(() => withMappings.Messages.Count > 1 && withMappings.Messages[^1].Revision == last.Revision && withoutMappings.Messages.Count > 1 && withoutMappings.Messages[^1].Revision == last.Revision);

        Assert.Equal([new ServiceMapping { Service = "pay.Billing", App = "billing" }], withMappings.Messages[0].ServiceMappings);
        Assert.Empty(withoutMappings.Messages[0].ServiceMappings);
        Assert.Equal([WatchEventType.MappingPut, WatchEventType.Put], withMappings.Messages.Skip(1).SelectMany(m => m.Events).Select(e => e.Type));
        Assert.Equal([WatchEventType.Put], withoutMappings.Messages.Skip(1).SelectMany(m => m.Events).Select(e => e.Type));
    }

    [Fact]
    public async Task RunAsync_Cancelled_UnsubscribesWatcher()
    {
        var harness = new WatchHarness(o => o.Watch.CoalescingWindow = TimeSpan.Zero);
        await harness.StartAsync();
        var writer = harness.Watch();
        await WatchHarness.WaitForMessagesAsync(writer, 1);
        Assert.Equal(1, harness.Hub.WatcherCount);

        await harness.DisposeAsync();

        Assert.Equal(0, harness.Hub.WatcherCount);
    }
}
