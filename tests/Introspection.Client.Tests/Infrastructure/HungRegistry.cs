using System.Net;
using System.Net.Sockets;

namespace Introspection.Client.Tests.Infrastructure;

/// <summary>
/// A "registry" that hangs: it accepts TCP connections on loopback and never answers a byte (a process stuck in a
/// GC pause or deadlock, a half-dead load balancer). A closed port fails a call at once; this one makes every call
/// wait out its deadline.
/// </summary>
public sealed class HungRegistry : IDisposable
{
    private readonly TcpListener _listener;
    private readonly List<Socket> _accepted = [];
    private readonly Task _accepting;

    public HungRegistry()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _accepting = Task.Run(AcceptAsync);
    }

    public string Url { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Accepted
    {
        get
        {
            lock (_accepted)
            {
                return _accepted.Count;
            }
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        lock (_accepted)
        {
            foreach (var socket in _accepted)
            {
                socket.Dispose();
            }
        }

        _accepting.Wait(TestTimeouts.Stop);
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                // Held open and never read from or written to.
                var socket = await _listener.AcceptSocketAsync();
                lock (_accepted)
                {
                    _accepted.Add(socket);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }
}
