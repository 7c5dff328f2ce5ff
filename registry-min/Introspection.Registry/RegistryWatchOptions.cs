namespace Introspection.Registry;

/// <summary>Watch streams.</summary>
public sealed class RegistryWatchOptions
{
    /// <summary>
    /// Changes that arrive within this window after the first one go out in one DELTA message.
    /// Zero sends each batch at once. Default 20 ms (at most 50 ms is sensible: it adds latency).
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
