namespace Introspection.Bench.Infrastructure;

/// <summary>
/// Samples another process's VmRSS every 50 ms and keeps the largest value since the last
/// <see cref="TakePeak"/>, so each phase gets its own peak (VmHWM only knows the peak since start).
/// </summary>
internal sealed class PeakRssSampler : IAsyncDisposable
{
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private long _peak;
    private Task? _loop;

    public PeakRssSampler(int pid) => _pid = pid;

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    /// <summary>The peak since the previous call (including a fresh reading now); starts a new interval.</summary>
    public long TakePeak()
    {
        Sample();
        return Interlocked.Exchange(ref _peak, 0);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            Sample();
        }
    }

    private void Sample()
    {
        long rss;
        try
        {
            rss = ProcStats.Read(_pid).RssBytes;
        }
        catch (IOException)
        {
            return; // the process is gone
        }

        long current;
        do
        {
            current = Volatile.Read(ref _peak);
            if (rss <= current)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _peak, rss, current) != current);
    }
}
