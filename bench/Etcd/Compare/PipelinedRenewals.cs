namespace Introspection.Bench.Etcd.Compare;

/// <summary>
/// One KeepAlive stream driven the same way for both servers: one lease per message, cycling through
/// the leases, with at most <c>window</c> messages unanswered (what a client that pipelines but does not
/// flood does), until a deadline.
/// </summary>
internal static class PipelinedRenewals
{
    public static async Task<long> RunAsync(
        IReadOnlyList<long> leases, int window, DateTime until, Func<long, Task> write, Func<Task> complete, Func<Action, Task> readAll)
    {
        using var credits = new SemaphoreSlim(window, window);
        long acknowledged = 0;
        var reader = readAll(() =>
        {
            Interlocked.Increment(ref acknowledged);
            credits.Release();
        });
        var i = 0;
        while (DateTime.UtcNow < until && !reader.IsCompleted)
        {
            if (!await credits.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false))
            {
                throw new TimeoutException("no KeepAlive answer within 10 s");
            }

            await write(leases[i]).ConfigureAwait(false);
            i = (i + 1) % leases.Count;
        }

        await complete().ConfigureAwait(false);
        await reader.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return Interlocked.Read(ref acknowledged);
    }
}
