using System.Net;
using System.Net.Sockets;

namespace Introspection.Provider.Tests.Infrastructure;

/// <summary>
/// A loopback TCP relay in front of a server: the path between a provider and its registry that a
/// test can cut (open connections reset, new ones refused) while both ends keep running.
/// </summary>
internal sealed class TcpRelay : IAsyncDisposable
{
    private readonly Uri _target;
    private readonly List<Task> _pumps = [];
    private TcpListener _listener = new(IPAddress.Loopback, 0);
    private CancellationTokenSource _cut = new();
    private Task _accepting;

    public TcpRelay(Uri target)
    {
        _target = target;
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        _accepting = AcceptAsync(_listener, _cut.Token);
    }

    public Uri Address { get; }

    /// <summary>Resets every relayed connection and refuses new ones.</summary>
    public void Cut()
    {
        _cut.Cancel();
        _listener.Stop();
    }

    /// <summary>Accepts and relays again, on the same port, after <see cref="Cut"/>.</summary>
    public void Resume()
    {
        _cut = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Address.Port);
        _listener.Start();
        _accepting = AcceptAsync(_listener, _cut.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_cut.IsCancellationRequested)
        {
            Cut();
        }

        await _accepting.WaitAsync(TestTimeouts.Short).ConfigureAwait(false);
        Task[] pumps;
        lock (_pumps)
        {
            pumps = [.. _pumps];
        }

        await Task.WhenAll(pumps).WaitAsync(TestTimeouts.Short).ConfigureAwait(false);
        _cut.Dispose();
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken cut)
    {
        while (!cut.IsCancellationRequested)
        {
            Socket inbound;
            try
            {
                inbound = await listener.AcceptSocketAsync(cut).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_pumps)
            {
                _pumps.Add(RelayAsync(inbound, cut));
            }
        }
    }

    private async Task RelayAsync(Socket inbound, CancellationToken cut)
    {
        using var outbound = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using (inbound)
        {
            try
            {
                await outbound.ConnectAsync(_target.Host, _target.Port, cut).ConfigureAwait(false);
                await Task.WhenAny(PumpAsync(inbound, outbound, cut), PumpAsync(outbound, inbound, cut)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
            finally
            {
                // A reset, not a polite close: the provider must see the path break.
                inbound.LingerState = new LingerOption(true, 0);
                outbound.LingerState = new LingerOption(true, 0);
            }
        }
    }

    private static async Task PumpAsync(Socket from, Socket to, CancellationToken cut)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, cut).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, cut).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }
}
