namespace Introspection.Client.Internal;

/// <summary>
/// Starts the client's long-lived work without the caller's <see cref="ExecutionContext"/>. Loops and timers
/// are started lazily, on some caller's first resolve: captured, that caller's context (its AsyncLocals, its
/// Activity, whatever they reference) would be kept alive and seen by the background work for the life of the
/// process. Same habit as YARP's <c>EntityActionScheduler</c>.
/// </summary>
internal static class BackgroundWork
{
    /// <summary><see cref="Task.Run(Func{Task})"/> with the caller's execution context suppressed.</summary>
    public static Task Run(Func<Task> work)
    {
        var restore = Suppress();
        try
        {
            return Task.Run(work);
        }
        finally
        {
            Restore(restore);
        }
    }

    /// <summary><see cref="TimeProvider.CreateTimer"/> with the caller's execution context suppressed.</summary>
    public static ITimer CreateTimer(TimeProvider timeProvider, TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var restore = Suppress();
        try
        {
            return timeProvider.CreateTimer(callback, state, dueTime, period);
        }
        finally
        {
            Restore(restore);
        }
    }

    // Already suppressed (a loop starting more work): leave it so; SuppressFlow would throw.
    private static bool Suppress()
    {
        if (ExecutionContext.IsFlowSuppressed())
        {
            return false;
        }

        ExecutionContext.SuppressFlow();
        return true;
    }

    private static void Restore(bool restore)
    {
        if (restore)
        {
            ExecutionContext.RestoreFlow();
        }
    }
}
