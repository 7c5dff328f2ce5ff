namespace Introspection.Provider.Tests.Infrastructure;

/// <summary>Polls a condition instead of sleeping a fixed time.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string because, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        var wait = interval ?? TimeSpan.FromMilliseconds(20);
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
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

            await Task.Delay(wait).ConfigureAwait(false);
        }

        throw new TimeoutException($"Timed out after {timeout.TotalSeconds} s waiting until {because}." + (last is null ? "" : $" Last error: {last.Message}"), last);
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string because) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, because);
}
