using Introspection.Provider.Internal;
using Introspection.Provider.Tests.Infrastructure;

namespace Introspection.Provider.Tests.Lifecycle;

public sealed class ProviderDrainTests
{
    [Fact]
    public void TryEnterCall_AfterBeginDrain_Refused()
    {
        using var drain = new ProviderDrain();
        Assert.True(drain.TryEnterCall());

        drain.BeginDrain();

        Assert.False(drain.TryEnterCall());
        Assert.Equal(1, drain.InFlightCalls);
        Assert.True(drain.Draining.IsCancellationRequested);
    }

    [Fact]
    public async Task WaitForIdleAsync_CallAndWorkPending_CompletesWhenBothEnd()
    {
        using var drain = new ProviderDrain();
        Assert.True(drain.TryEnterCall());
        var work = drain.TrackWork("job");
        drain.BeginDrain();

        var idle = drain.WaitForIdleAsync(CancellationToken.None);
        drain.ExitCall();
        Assert.False(idle.IsCompleted);
        work.Dispose();
        work.Dispose();

        await idle.WaitAsync(TestTimeouts.Short);
        Assert.Equal(0, drain.PendingWork);
    }
}
