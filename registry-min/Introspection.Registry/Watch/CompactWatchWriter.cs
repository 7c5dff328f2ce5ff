using Grpc.Core;
using Introspection.Protocol.Registry.V1;

namespace Introspection.Registry.Watch;

/// <summary>
/// The Watch stream writer of a watcher that asked for the compact form: every message the session
/// writes (snapshot, catch-up or coalesced delta) is compacted by <see cref="WatchResponseEncoder.Compact"/>
/// just before it goes out. In place, so what the session measures after writing is what was sent.
/// Wrapping the writer keeps the session's loop unaware of the wire form.
/// </summary>
internal sealed class CompactWatchWriter(IAsyncStreamWriter<WatchResponse> inner) : IAsyncStreamWriter<WatchResponse>
{
    public WriteOptions? WriteOptions
    {
        get => inner.WriteOptions;
        set => inner.WriteOptions = value;
    }

    public Task WriteAsync(WatchResponse message)
    {
        CompactUnlessShared(message);
        return inner.WriteAsync(message);
    }

    public Task WriteAsync(WatchResponse message, CancellationToken cancellationToken)
    {
        CompactUnlessShared(message);
        return inner.WriteAsync(message, cancellationToken);
    }

    /// <summary>
    /// A shared DELTA (<see cref="WatchGroup"/>) was compacted before it was serialized and is written to other
    /// compact watchers too: it must not be rewritten again.
    /// </summary>
    private static void CompactUnlessShared(WatchResponse message)
    {
        if (!PreSerializedWatchResponses.TryGetPayload(message, out _))
        {
            WatchResponseEncoder.Compact(message);
        }
    }
}
