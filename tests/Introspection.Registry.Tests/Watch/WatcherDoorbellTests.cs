using Introspection.Registry.Watch;

namespace Introspection.Registry.Tests.Watch;

/// <summary>
/// The watcher's doorbell: rings between two waits wake the waiter once, a ring is never lost, the waiter's
/// continuation never runs on the ringing thread (the pump), and closing ends a parked or later wait.
/// </summary>
public sealed class WatcherDoorbellTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task WaitAsync_RungBefore_CompletesAtOnceThenWaitsAgain()
    {
        var doorbell = new WatcherDoorbell();
        doorbell.Ring();
        doorbell.Ring();
        doorbell.Ring();

        Assert.True(doorbell.WaitAsync().IsCompletedSuccessfully);

        // Three rings before one wait are one wake: the next wait parks.
        var next = doorbell.WaitAsync();
        Assert.False(next.IsCompleted);
        doorbell.Ring();
        await next.AsTask().WaitAsync(Timeout);
    }

    [Fact]
    public async Task Ring_WhileWaiting_ContinuationRunsOffTheRingingThread()
    {
        var doorbell = new WatcherDoorbell();
        var waiter = Task.Run(async () =>
        {
            await doorbell.WaitAsync();
            return Environment.CurrentManagedThreadId;
        });
        await Poll.UntilAsync(() => doorbell.HasWaiter, "the waiter parks");

        // A dedicated thread rings: inline, the continuation would run on it; off it, on a pool thread.
        var ringerThread = 0;
        var ringer = new Thread(() =>
        {
            ringerThread = Environment.CurrentManagedThreadId;
            doorbell.Ring();
        });
        ringer.Start();
        ringer.Join();

        Assert.NotEqual(ringerThread, await waiter.WaitAsync(Timeout));
    }

    [Fact]
    public async Task Close_WhileWaiting_TheWaitIsCanceledWithTheToken()
    {
        var doorbell = new WatcherDoorbell();
        using var cts = new CancellationTokenSource();
        var wait = doorbell.WaitAsync().AsTask();
        Assert.False(wait.IsCompleted);

        cts.Cancel();
        doorbell.Close(cts.Token);

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(Timeout));
        Assert.Equal(cts.Token, error.CancellationToken);
        // Every later wait ends the same way, and a ring after the close changes nothing.
        doorbell.Ring();
        Assert.True(doorbell.WaitAsync().IsCanceled);
    }

    [Fact]
    public async Task Close_WhileWaiting_ContinuationRunsOffTheClosingThread()
    {
        // Close runs inside the stream's cancellation callback: the session's end must not run there.
        var doorbell = new WatcherDoorbell();
        using var cts = new CancellationTokenSource();
        var waiter = Task.Run(async () =>
        {
            try
            {
                await doorbell.WaitAsync();
                return -1;
            }
            catch (OperationCanceledException)
            {
                return Environment.CurrentManagedThreadId;
            }
        });
        await Poll.UntilAsync(() => doorbell.HasWaiter, "the waiter parks");

        var closerThread = 0;
        var closer = new Thread(() =>
        {
            closerThread = Environment.CurrentManagedThreadId;
            cts.Cancel();
            doorbell.Close(cts.Token);
        });
        closer.Start();
        closer.Join();

        var endedOn = await waiter.WaitAsync(Timeout);
        Assert.NotEqual(-1, endedOn);
        Assert.NotEqual(closerThread, endedOn);
    }

    [Fact]
    public void Close_Rung_LaterWaitIsCanceledNotWoken()
    {
        var doorbell = new WatcherDoorbell();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        doorbell.Ring();

        doorbell.Close(cts.Token);

        Assert.True(doorbell.WaitAsync().IsCanceled);
    }

    [Fact]
    public void WaitAsync_SecondWaiter_Throws()
    {
        var doorbell = new WatcherDoorbell();
        _ = doorbell.WaitAsync();

        Assert.Throws<InvalidOperationException>(() => doorbell.WaitAsync());
    }

    [Fact]
    public async Task Ring_FromAnotherThreadManyTimes_NoRingIsLost()
    {
        // The ringer publishes a count, then rings; the waiter reads the count after each wake. If a ring
        // that raced a wait were lost, the waiter would park for good short of the last count.
        const int Rings = 200_000;
        var doorbell = new WatcherDoorbell();
        var published = 0;
        var wakes = 0;
        var waiter = Task.Run(async () =>
        {
            // At least one wait: the ringer may have finished before this starts (its last ring is then pending).
            do
            {
                await doorbell.WaitAsync();
                wakes++;
            }
            while (Volatile.Read(ref published) < Rings);
        });
        var ringer = Task.Run(() =>
        {
            for (var i = 1; i <= Rings; i++)
            {
                Volatile.Write(ref published, i);
                doorbell.Ring();
            }
        });

        await Task.WhenAll(ringer, waiter).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.InRange(wakes, 1, Rings);
    }

    [Fact]
    public async Task Watcher_CloseWhen_TokenFires_EndsTheWait()
    {
        var watcher = new Watcher(new WatchFilter("default", null, false), capacity: 10);
        using var cts = new CancellationTokenSource();
        using var closing = watcher.CloseWhen(cts.Token);
        var wait = watcher.WaitAsync().AsTask();

        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(Timeout));
    }
}
