using System.Net;
using System.Net.Sockets;

namespace Introspection.Testing;

/// <summary>Finds a free TCP port for a server that must be told its port up front (a child process, a restart on a known port).</summary>
public static class FreePort
{
    /// <summary>A port that was free on <paramref name="address"/> (default loopback) a moment ago.</summary>
    public static int Get(IPAddress? address = null)
    {
        // The port is free when we close the probe; the tiny race with other processes is accepted
        // because the server fails fast and visibly if it loses it (and RedisServer retries).
        using var listener = new TcpListener(address ?? IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
