namespace Introspection.Registry;

/// <summary>Watch streams.</summary>
public sealed class RegistryWatchOptions
{
    /// <summary>
    /// The least time between two messages of one Watch stream. The first change after a quiet period
    /// (no message for this long) goes out at once; changes that arrive within the window after a
    /// message wait for its end and go out together in one DELTA, so a burst costs one message per
    /// window per watcher while sparse changes add no latency. Zero sends each batch at once.
    /// Default 20 ms (at most 50 ms is sensible: it is the added latency inside a burst).
    /// </summary>
    public TimeSpan CoalescingWindow { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Events one watcher may have queued (not yet written). On overflow the queue is dropped and the
    /// watcher gets a reset SNAPSHOT when it catches up, so a slow or stuck watcher never holds the
    /// registry or other watchers back. Default 4096.
    /// </summary>
    public int QueueCapacity { get; set; } = 4096;

    /// <summary>Most events read from the store's change history at once. Default 1024.</summary>
    public int ReadBatchSize { get; set; } = 1024;
}
