using System.Net;
using System.Net.Sockets;

namespace Introspection.Bench.Infrastructure;

/// <summary>Finds a free TCP port on a loopback address for a child process that must be told its port up front.</summary>
internal static class FreePort
{
    public static int Get(IPAddress address)
    {
        // The port is free when we close the probe; the tiny race with other processes is accepted
        // because the child fails fast and visibly if it loses it.
        using var listener = new TcpListener(address, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
