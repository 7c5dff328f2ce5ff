namespace Introspection.Client.Internal;

/// <summary>A listener of one target's resolutions; disposing it stops delivery.</summary>
internal sealed class Subscription(TargetState target, Action<ServiceResolution> callback, Action<Subscription> remove) : IDisposable
{
    private int _disposed;

    public TargetState Target { get; } = target;

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public void Deliver(ServiceResolution resolution)
    {
        if (!IsDisposed)
        {
            callback(resolution);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            remove(this);
        }
    }
}
