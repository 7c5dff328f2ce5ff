namespace Introspection.Bench.Infrastructure;

/// <summary>Runs a progress callback periodically until disposed, so long runs show they are alive.</summary>
internal sealed class Ticker : IDisposable
{
    private readonly CancellationTokenSource _cts;

    public Ticker(TimeSpan period, Action action, CancellationToken ct)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var token = _cts.Token;
        _ = Task.Run(
            async () =>
            {
                using var timer = new PeriodicTimer(period);
                try
                {
                    while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
                    {
                        action();
                    }
                }
                catch (OperationCanceledException)
                {
                }
            },
            CancellationToken.None);
    }

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }
}
