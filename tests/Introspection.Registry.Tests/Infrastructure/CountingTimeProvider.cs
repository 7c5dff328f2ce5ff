using Microsoft.Extensions.Time.Testing;

namespace Introspection.Registry.Tests.Infrastructure;

/// <summary>A <see cref="FakeTimeProvider"/> that counts timers, so a test knows when code is waiting on one.</summary>
public sealed class CountingTimeProvider() : FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero))
{
    private int _timersCreated;

    public int TimersCreated => Volatile.Read(ref _timersCreated);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Interlocked.Increment(ref _timersCreated);
        return base.CreateTimer(callback, state, dueTime, period);
    }
}
