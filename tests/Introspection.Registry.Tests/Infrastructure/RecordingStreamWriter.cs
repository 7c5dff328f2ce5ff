using Grpc.Core;

namespace Introspection.Registry.Tests.Infrastructure;

/// <summary>
/// Records written messages. While <see cref="Block"/> is set, writes hang (like a client that stopped
/// reading and let HTTP/2 flow control fill up) until <see cref="Unblock"/> or cancellation.
/// </summary>
public sealed class RecordingStreamWriter<T> : IAsyncStreamWriter<T>
{
    private readonly Lock _lock = new();
    private readonly List<T> _messages = [];
    private TaskCompletionSource? _gate;

    public WriteOptions? WriteOptions { get; set; }

    public IReadOnlyList<T> Messages
    {
        get
        {
            lock (_lock)
            {
                return [.. _messages];
            }
        }
    }

    public int BlockedWrites { get; private set; }

    public void Block()
    {
        lock (_lock)
        {
            _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Unblock()
    {
        TaskCompletionSource? gate;
        lock (_lock)
        {
            gate = _gate;
            _gate = null;
        }

        gate?.TrySetResult();
    }

    public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

    public async Task WriteAsync(T message, CancellationToken cancellationToken)
    {
        Task? gate;
        lock (_lock)
        {
            gate = _gate?.Task;
            if (gate is not null)
            {
                BlockedWrites++;
            }
        }

        if (gate is not null)
        {
            await gate.WaitAsync(cancellationToken);
        }

        lock (_lock)
        {
            _messages.Add(message);
        }
    }
}
