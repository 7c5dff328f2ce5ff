namespace Introspection.Provider;

/// <summary>
/// The drain of a provider during graceful shutdown: the calls in flight and the background work
/// that the shutdown waits for after it stops accepting new calls.
/// </summary>
/// <example>
/// <code>
/// using (drain.TrackWork("nightly-report"))
/// {
///     await WriteReportAsync(drain.Draining);
/// }
/// </code>
/// </example>
public interface IProviderDrain
{
    /// <summary>True once the instance refuses new calls (they get UNAVAILABLE).</summary>
    bool IsDraining { get; }

    /// <summary>Cancelled when the instance starts refusing new calls: background loops should finish their current item and stop.</summary>
    CancellationToken Draining { get; }

    /// <summary>gRPC calls being served right now.</summary>
    int InFlightCalls { get; }

    /// <summary>Work items tracked with <see cref="TrackWork"/> that have not ended yet.</summary>
    int PendingWork { get; }

    /// <summary>
    /// Registers one piece of background work the shutdown must wait for (within its timeout).
    /// Dispose the returned handle when the work ends; disposing twice is harmless.
    /// </summary>
    IDisposable TrackWork(string name);
}
