using Introspection.Provider.Internal;

namespace Introspection.Provider.Tests.Lifecycle;

public sealed class BackoffTests
{
    [Fact]
    public void Delay_ManyAttempts_NeverAboveCapNorBelowHalfOfIt()
    {
        var cap = TimeSpan.FromMilliseconds(250);
        for (var attempt = 10; attempt < 200; attempt++)
        {
            var delay = Backoff.Delay(attempt, cap);

            Assert.InRange(delay, cap / 2, cap);
        }
    }

    [Fact]
    public void Delay_EarlyAttempts_GrowFromTheInitialDelay()
    {
        var cap = TimeSpan.FromSeconds(10);

        Assert.InRange(Backoff.Delay(1, cap), Backoff.Initial / 2, Backoff.Initial);
        Assert.InRange(Backoff.Delay(4, cap), Backoff.Initial * 4, Backoff.Initial * 8);
    }

    [Fact]
    public void Delay_SameAttempt_IsJittered()
    {
        var delays = Enumerable.Range(0, 50).Select(_ => Backoff.Delay(8, TimeSpan.FromSeconds(10))).Distinct().Count();

        Assert.True(delays > 1);
    }
}
