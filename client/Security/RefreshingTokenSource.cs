using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Introspection.Client;

/// <summary>
/// Caches the token of another source and renews it in the background before it expires, so calls never wait
/// for a token endpoint while a valid token is at hand.
/// </summary>
/// <remarks>
/// A token is renewed once <c>refreshAtLifetimeFraction</c> of its lifetime (from when it was obtained to its
/// <see cref="IntrospectionToken.ExpiresAt"/>) has passed, on a <see cref="TimeProvider"/> timer. A call waits for
/// the inner source only when no valid token exists (the first call, or after every renewal failed until the
/// token expired). A failed renewal keeps the last good token until it expires and is tried again every
/// <c>retryInterval</c>. Tokens without an expiry are fetched once. Concurrent calls share one renewal.
/// </remarks>
public sealed partial class RefreshingTokenSource : IIntrospectionTokenSource, IDisposable
{
    private readonly IIntrospectionTokenSource _inner;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly double _fraction;
    private readonly TimeSpan _retryInterval;
    private readonly CancellationTokenSource _disposing = new();
    private readonly Lock _lock = new();
    private readonly ITimer _timer;
    private Cached? _current;
    private Task<IntrospectionToken>? _renewal;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The source that actually obtains tokens (a token endpoint, a file).</param>
    /// <param name="timeProvider">The clock and timers. Default: <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">Where renewal failures are logged (never the token). Default: none.</param>
    /// <param name="refreshAtLifetimeFraction">The share of a token's lifetime after which it is renewed, in (0, 1). Default: 0.8.</param>
    /// <param name="retryInterval">Wait between two attempts after a failed renewal. Default: 5 seconds.</param>
    public RefreshingTokenSource(
        IIntrospectionTokenSource inner,
        TimeProvider? timeProvider = null,
        ILogger? logger = null,
        double refreshAtLifetimeFraction = 0.8,
        TimeSpan? retryInterval = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (!(refreshAtLifetimeFraction > 0 && refreshAtLifetimeFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(refreshAtLifetimeFraction), refreshAtLifetimeFraction, "Must be between 0 and 1 (exclusive).");
        }

        if (retryInterval is { } retry && retry <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(retryInterval), retry, "Must be positive.");
        }

        _inner = inner;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _fraction = refreshAtLifetimeFraction;
        _retryInterval = retryInterval ?? TimeSpan.FromSeconds(5);

        // A long-lived timer must not keep the first caller's ExecutionContext (and its Activity) alive.
        using (ExecutionContext.SuppressFlow())
        {
            _timer = _timeProvider.CreateTimer(static state => ((RefreshingTokenSource)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <inheritdoc />
    public async ValueTask<IntrospectionToken> GetTokenAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposing.IsCancellationRequested, this);
        var now = _timeProvider.GetUtcNow();
        var current = Volatile.Read(ref _current);
        if (current is not null && current.Token.IsValidAt(now))
        {
            if (current.RenewAt is { } renewAt && now >= renewAt)
            {
                // The timer is late (a suspended process): renew now, but answer with the still-valid token.
                Observe(Renew());
            }

            return current.Token;
        }

        return await Renew().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops renewing.</summary>
    public void Dispose()
    {
        _disposing.Cancel();
        _timer.Dispose();
    }

    private void OnTimer()
    {
        if (!_disposing.IsCancellationRequested)
        {
            Observe(Renew());
        }
    }

    private static void Observe(Task task) =>
        task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>The renewal under way, or a new one: concurrent callers share it.</summary>
    private Task<IntrospectionToken> Renew()
    {
        lock (_lock)
        {
            if (_renewal is { } running)
            {
                return running;
            }

            var completion = new TaskCompletionSource<IntrospectionToken>(TaskCreationOptions.RunContinuationsAsynchronously);
            _renewal = completion.Task;
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(() => RenewAsync(completion), CancellationToken.None);
            }

            return completion.Task;
        }
    }

    private async Task RenewAsync(TaskCompletionSource<IntrospectionToken> completion)
    {
        IntrospectionToken? token = null;
        Exception? failure = null;
        try
        {
            token = await _inner.GetTokenAsync(_disposing.Token).ConfigureAwait(false);
            if (token is null)
            {
                throw new InvalidOperationException($"The token source {_inner.GetType().Name} returned no token.");
            }
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        var now = _timeProvider.GetUtcNow();
        lock (_lock)
        {
            _renewal = null;
            if (token is not null)
            {
                DateTimeOffset? renewAt = token.ExpiresAt is { } expiry && expiry > now
                    ? now + ((expiry - now) * _fraction)
                    : null;
                Volatile.Write(ref _current, new Cached(token, renewAt));
                Schedule(renewAt is { } at ? at - now : null);
            }
            else if (Volatile.Read(ref _current) is { } previous && previous.Token.IsValidAt(now) && previous.Token.ExpiresAt is { } expiry)
            {
                // Keep the last good token until it expires; try again meanwhile.
                var remaining = expiry - now;
                Schedule(remaining < _retryInterval ? remaining : _retryInterval);
            }
        }

        if (token is not null)
        {
            Log.Renewed(_logger, token.ExpiresAt);
            completion.TrySetResult(token);
        }
        else if (failure is OperationCanceledException && _disposing.IsCancellationRequested)
        {
            completion.TrySetCanceled(_disposing.Token);
        }
        else
        {
            var current = Volatile.Read(ref _current);
            Log.RenewalFailed(_logger, current is not null && current.Token.IsValidAt(now) ? current.Token.ExpiresAt : null, failure!);
            completion.TrySetException(failure!);
        }
    }

    /// <summary>Caller holds <see cref="_lock"/>.</summary>
    private void Schedule(TimeSpan? due)
    {
        if (_disposing.IsCancellationRequested)
        {
            return;
        }

        _timer.Change(due is { } d ? (d < TimeSpan.Zero ? TimeSpan.Zero : d) : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private sealed record Cached(IntrospectionToken Token, DateTimeOffset? RenewAt);
}
