namespace Introspection.Registry.Tests.Infrastructure;

/// <summary>Generous timeouts: the build machine is small and shared.</summary>
public static class TestTimeouts
{
    public static TimeSpan Short { get; } = TimeSpan.FromSeconds(5);

    public static TimeSpan Long { get; } = TimeSpan.FromSeconds(30);

    /// <summary>Polls <paramref name="condition"/> until it holds, or fails after <paramref name="timeout"/>.</summary>
    public static async Task PollAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Long);
        while (!await condition().WaitAsync(Long))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Condition not met within {timeout ?? Long}: {because}");
            }

            await Task.Delay(20);
        }
    }

    public static Task PollAsync(Func<bool> condition, TimeSpan? timeout = null, string? because = null) =>
        PollAsync(() => Task.FromResult(condition()), timeout, because);
}
