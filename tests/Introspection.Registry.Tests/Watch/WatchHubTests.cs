using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Stores;
using Introspection.Registry.Stores.Memory;
using Introspection.Registry.Tests.Infrastructure;
using Introspection.Registry.Watch;
using Microsoft.Extensions.Logging.Abstractions;

namespace Introspection.Registry.Tests.Watch;

public sealed class WatchHubTests
{
    [Fact]
    public async Task Pump_FeedHistoryLost_EveryWatcherGetsResetSnapshot()
    {
        var options = TestServices.Options(o => o.Watch.CoalescingWindow = TimeSpan.Zero);
        var time = new CountingTimeProvider();
        var memory = new MemoryRegistryStore(options, time);
        var store = new LosingStore(memory);
        using var hub = new WatchHub(store, options, time, NullLogger<WatchHub>.Instance);
        var session = new WatchSession(store, hub, TestServices.Metrics(), options, time, NullLogger<WatchSession>.Instance);
        await hub.StartAsync(CancellationToken.None).WaitAsync(TestTimeouts.Long);
        using var stop = new CancellationTokenSource();
        var a = new RecordingStreamWriter<WatchResponse>();
        var b = new RecordingStreamWriter<WatchResponse>();
        var sessions = new[]
        {
            session.RunAsync(new WatchFilter("default", null, false), 0, a, stop.Token),
            session.RunAsync(new WatchFilter("default", new HashSet<string> { "orders" }, false), 0, b, stop.Token),
        };
        await Poll.UntilAsync(() => a.Messages.Count == 1 && b.Messages.Count == 1);

        // This node's pump finds the history it needed trimmed (e.g. it was cut off from a shared store).
        store.LoseHistory = true;
        var registered = await memory.RegisterAsync("default", new InstanceRecord("orders", "a", "10.0.0.1", 5000, "0", new Dictionary<string, string>()), TimeSpan.FromSeconds(30), CancellationToken.None);

        await Poll.UntilAsync(() => a.Messages.Count == 2 && b.Messages.Count == 2, because: "both watchers were reset");
        foreach (var writer in new[] { a, b })
        {
            var reset = writer.Messages[1];
            Assert.Equal(WatchResponseKind.Snapshot, reset.Kind);
            Assert.True(reset.Reset);
            Assert.Equal(registered.Revision, reset.Revision);
            Assert.Equal("a", Assert.Single(reset.Instances).InstanceId);
        }

        await stop.CancelAsync();
        await Task.WhenAll(sessions).WaitAsync(TestTimeouts.Long);
        await hub.StopAsync(CancellationToken.None).WaitAsync(TestTimeouts.Long);
    }

    [Fact]
    public async Task Subscribe_StoreDownAtStart_Unavailable()
    {
        var options = TestServices.Options();
        var time = new CountingTimeProvider();
        using var hub = new WatchHub(new UnavailableStore(), options, time, NullLogger<WatchHub>.Instance);
        await hub.StartAsync(CancellationToken.None).WaitAsync(TestTimeouts.Long);

        var subscribe = hub.SubscribeAsync(new WatchFilter("default", null, false), CancellationToken.None).AsTask();
        await Poll.UntilAsync(() =>
        {
            time.Advance(TimeSpan.FromSeconds(1));
            return subscribe.IsCompleted;
        });

        await Assert.ThrowsAsync<RegistryStoreUnavailableException>(() => subscribe).WaitAsync(TestTimeouts.Long);
        await hub.StopAsync(CancellationToken.None).WaitAsync(TestTimeouts.Long);
    }

    private sealed class LosingStore(IRegistryStore inner) : DelegatingStore(inner)
    {
        public volatile bool LoseHistory;

        public override async ValueTask<ChangeBatch> ReadChangesAsync(long afterRevision, int maxEvents, CancellationToken cancellationToken)
        {
            var batch = await base.ReadChangesAsync(afterRevision, maxEvents, cancellationToken);
            if (LoseHistory && batch.Events.Count > 0)
            {
                LoseHistory = false;
                return new ChangeBatch([], HistoryLost: true, batch.CurrentRevision);
            }

            return batch;
        }
    }
}
