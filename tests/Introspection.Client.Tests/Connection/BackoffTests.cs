using Introspection.Client.Internal;

namespace Introspection.Client.Tests.Connection;

/// <summary>
/// The one backoff of the client library, as the registrar uses it for reconnects (moved here with the
/// provider's copy it replaced; same assertions, the n-th <see cref="Backoff.Next"/> being attempt n).
/// </summary>
public sealed class BackoffTests
{
    private static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void Next_ManyAttempts_NeverAboveCapNorBelowHalfOfIt()
    {
        var cap = TimeSpan.FromMilliseconds(250);
        var backoff = new Backoff(Initial, cap, SharedRandomSource.Instance);
        for (var attempt = 1; attempt < 200; attempt++)
        {
            var delay = backoff.Next();

            if (attempt >= 10)
            {
                Assert.InRange(delay, cap / 2, cap);
            }
        }
    }

    [Fact]
    public void Next_EarlyAttempts_GrowFromTheInitialDelay()
    {
        var backoff = new Backoff(Initial, TimeSpan.FromSeconds(10), SharedRandomSource.Instance);

        Assert.InRange(backoff.Next(), Initial / 2, Initial);
        backoff.Next();
        backoff.Next();
        Assert.InRange(backoff.Next(), Initial * 4, Initial * 8);
    }

    [Fact]
    public void Next_SameAttempt_IsJittered()
    {
        var delays = Enumerable.Range(0, 50).Select(_ => Nth(new Backoff(Initial, TimeSpan.FromSeconds(10), SharedRandomSource.Instance), 8)).Distinct().Count();

        Assert.True(delays > 1);
    }

    [Fact]
    public void Reset_AfterGrowth_StartsFromTheInitialDelayAgain()
    {
        var backoff = new Backoff(Initial, TimeSpan.FromSeconds(10), SharedRandomSource.Instance);
        Nth(backoff, 6);

        backoff.Reset();

        Assert.InRange(backoff.Next(), Initial / 2, Initial);
    }

    private static TimeSpan Nth(Backoff backoff, int attempt)
    {
        for (var i = 1; i < attempt; i++)
        {
            backoff.Next();
        }

        return backoff.Next();
    }
}
