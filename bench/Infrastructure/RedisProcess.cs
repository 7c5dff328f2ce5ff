using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Introspection.Bench.Infrastructure;

/// <summary>A private <c>redis-server</c> on a free loopback port, without persistence, for the redis-store runs.</summary>
internal sealed class RedisProcess : IAsyncDisposable
{
    private readonly Process _process;

    private RedisProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int Pid => _process.Id;

    public string Configuration => $"127.0.0.1:{Port}";

    public static async Task<RedisProcess> StartAsync(CancellationToken ct)
    {
        var server = FindServer() ?? throw new InvalidOperationException(
            "redis-server was not found on PATH: install it (apt-get install -y redis-server)");
        var port = FreePort.Get(IPAddress.Loopback);
        var psi = new ProcessStartInfo(server)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes", "--loglevel", "warning" })
        {
            psi.ArgumentList.Add(arg);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start redis-server");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var redis = new RedisProcess(process, port);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await redis.PingAsync(ct).ConfigureAwait(false))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await redis.DisposeAsync().ConfigureAwait(false);
                throw new InvalidOperationException("redis-server did not answer PING within 15 s");
            }

            await Task.Delay(50, ct).ConfigureAwait(false);
        }

        return redis;
    }

    public static string? FindServer()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin").Append("/usr/local/bin"))
        {
            var path = Path.Combine(dir, "redis-server");
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }

    public ProcessSample Read() => ProcStats.Read(_process.Id);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
        }

        _process.Dispose();
    }

    private async Task<bool> PingAsync(CancellationToken ct)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port, ct).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), ct).ConfigureAwait(false);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, ct).ConfigureAwait(false);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
