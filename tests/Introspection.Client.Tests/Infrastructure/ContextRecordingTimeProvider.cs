using System.Collections.Concurrent;

namespace Introspection.Client.Tests.Infrastructure;

/// <summary>The system clock, recording what <see cref="Observed"/> reads inside every timer callback.</summary>
internal sealed class ContextRecordingTimeProvider(Func<string?> observed) : TimeProvider
{
    public ConcurrentQueue<string?> Observed { get; } = new();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        base.CreateTimer(
            s =>
            {
                Observed.Enqueue(observed());
                callback(s);
            },
            state,
            dueTime,
            period);
}
