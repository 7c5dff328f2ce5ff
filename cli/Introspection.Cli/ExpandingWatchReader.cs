using Grpc.Core;
using Introspection.Protocol.Registry.V1;

namespace Introspection.Cli;

/// <summary>A Watch stream (asked compact) whose every message is expanded to the inline form as it is read.</summary>
internal sealed class ExpandingWatchReader(IAsyncStreamReader<WatchResponse> inner) : IAsyncStreamReader<WatchResponse>
{
    public WatchResponse Current => inner.Current;

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        if (!await inner.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        CompactReads.Expand(inner.Current);
        return true;
    }
}
