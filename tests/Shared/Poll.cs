using Microsoft.Extensions.Time.Testing;

namespace Introspection.Testing;

/// <summary>Polls a condition instead of sleeping a fixed time.</summary>
/// <remarks>
/// A condition that throws (a registry still restarting, say) counts as not met yet; the last error is
/// reported if the condition never holds. Each evaluation is itself bounded by the timeout.
/// </remarks>
public static class Poll
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(20);

    /// <summary>Waits until <paramref name="condition"/> holds, at most <paramref name="timeout"/> (default <see cref="TestTimeouts.Long"/>).</summary>
    public static Task UntilAsync(Func<bool> condition, string? because = null, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(condition()), timeout ?? TestTimeouts.Long, because ?? "the condition holds");

    /// <summary>Waits until <paramref name="condition"/> holds, at most <paramref name="timeout"/> (default <see cref="TestTimeouts.Long"/>).</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, string? because = null, TimeSpan? timeout = null) =>
        UntilAsync(condition, timeout ?? TestTimeouts.Long, because ?? "the condition holds");

    /// <summary>Waits until <paramref name="condition"/> holds, at most <paramref name="timeout"/>.</summary>
    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string because) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, because);

    /// <summary>Waits until <paramref name="condition"/> holds, at most <paramref name="timeout"/>, checking every <paramref name="interval"/> (default 20 ms).</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string because, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await condition().WaitAsync(timeout).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is not TimeoutException)
            {
                last = ex;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds} s waiting until {because}." + (last is null ? "" : $" Last error: {last.Message}"), last);
            }

            await Task.Delay(interval ?? s_interval).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Advances <paramref name="time"/> by <paramref name="step"/> until <paramref name="condition"/> holds, for
    /// background loops on a <see cref="FakeTimeProvider"/> that run on their own thread; at most <see cref="TestTimeouts.Long"/>.
    /// </summary>
    public static async Task TickUntilAsync(FakeTimeProvider time, TimeSpan step, Func<bool> condition, string because = "the condition holds")
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Long;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {TestTimeouts.Long.TotalSeconds} s of ticking waiting until {because}.");
            }

            time.Advance(step);
            await Task.Delay(s_interval).ConfigureAwait(false);
        }
    }
}
