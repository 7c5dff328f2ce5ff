using Grpc.Core;

namespace Introspection.Registry.Tests.Infrastructure;

/// <summary>
/// A request stream over fixed items. By default every item is already there (each read completes at
/// once, like frames already buffered by Kestrel); <see cref="OneAtATime"/> makes each read complete
/// later, like requests that arrive one by one.
/// </summary>
internal sealed class QueueStreamReader<T>(params T[] items) : IAsyncStreamReader<T>
{
    private readonly Queue<T> _items = new(items);

    public bool OneAtATime { get; init; }

    /// <summary>How many reads completed only after <see cref="MoveNext"/> returned.</summary>
    public int AsynchronousReads { get; private set; }

    public T Current { get; private set; } = default!;

    public Task<bool> MoveNext(CancellationToken cancellationToken) => OneAtATime ? MoveNextLaterAsync() : Task.FromResult(TryTake());

    private async Task<bool> MoveNextLaterAsync()
    {
        AsynchronousReads++;
        await Task.Delay(1);
        return TryTake();
    }

    private bool TryTake()
    {
        if (_items.Count == 0)
        {
            return false;
        }

        Current = _items.Dequeue();
        return true;
    }
}
