using System.Threading.Channels;

namespace Introspection.Registry.Dashboard;

/// <summary>
/// One open dashboard page: a one-slot doorbell carrying the latest registry revision of a change in its namespace.
/// Any number of changes between two reads ring it once (the page re-reads the whole state), so a slow browser
/// costs one slot, never a queue.
/// </summary>
internal sealed class DashboardSubscription : IDisposable
{
    private readonly Channel<long> _doorbell = Channel.CreateBounded<long>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    private readonly Action<DashboardSubscription> _onDispose;

    public DashboardSubscription(string ns, Action<DashboardSubscription> onDispose)
    {
        Namespace = ns;
        _onDispose = onDispose;
    }

    public string Namespace { get; }

    public ChannelReader<long> Changes => _doorbell.Reader;

    public void Ring(long revision) => _doorbell.Writer.TryWrite(revision);

    public void Dispose() => _onDispose(this);
}
