using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Introspection.Testing;

/// <summary>
/// A real <c>redis-server</c> owned by the tests: loopback, a free port (never 6379), a temp dir, no
/// RDB snapshots. <paramref name="durable"/> turns on the AOF with fsync on every write, so that
/// <see cref="KillAsync"/> + <see cref="StartAgainAsync"/> behaves like a production Redis that
/// crashed and came back with its data; otherwise a restart comes back empty. The one launcher of the
/// test projects and the benchmarks (tests/Shared/, linked into each).
/// </summary>
public sealed class RedisServer(bool durable, IReadOnlyList<string> extraArgs) : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly string _directory = Directory.CreateTempSubdirectory("introspection-redis-").FullName;
    private Process? _process;

    public int Port { get; private set; }

    /// <summary>The running server's process id (the benchmarks sample its CPU and memory).</summary>
    public int Pid => _process?.Id ?? throw new InvalidOperationException("redis-server is not running.");

    /// <summary>The StackExchange.Redis configuration string for this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public static Task<RedisServer> StartAsync(bool durable = false, params string[] extraArgs) =>
        StartAsync(durable, extraArgs, CancellationToken.None);

    /// <summary>Starts a server; <paramref name="extraArgs"/> come last, so they override the defaults.</summary>
    public static async Task<RedisServer> StartAsync(bool durable, IReadOnlyList<string> extraArgs, CancellationToken cancellationToken)
    {
        var server = new RedisServer(durable, extraArgs);
        for (var attempt = 1; ; attempt++)
        {
            server.Port = FreePort.Get();
            try
            {
                await server.LaunchAsync(cancellationToken).ConfigureAwait(false);
                return server;
            }
            catch (Exception) when (attempt < 3 && !cancellationToken.IsCancellationRequested)
            {
                // Another process may have taken the port between probing and binding: try another.
                await server.KillAsync().ConfigureAwait(false);
            }
            catch
            {
                await server.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>SIGKILL: no shutdown save, connections reset, like a crash.</summary>
    public async Task KillAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            try
            {
                process.Kill();
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            await process.WaitForExitAsync().WaitAsync(StartTimeout).ConfigureAwait(false);
            process.Dispose();
        }
    }

    /// <summary>Starts the server again on the same port and directory.</summary>
    public Task StartAgainAsync() => LaunchAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(FindRedisServer())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] args =
        [
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--protected-mode", "no",
            "--daemonize", "no",
            "--dir", _directory,
            "--save", string.Empty,
            "--appendonly", durable ? "yes" : "no",
            "--appendfsync", "always",
            "--loglevel", "warning",
            .. extraArgs,
        ];
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start.");
        _process = process;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + StartTimeout;
        while (!await PingAsync(Port, cancellationToken).ConfigureAwait(false))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                string log;
                lock (output)
                {
                    log = output.ToString();
                }

                throw new InvalidOperationException($"redis-server on port {Port} did not answer PING: {log}");
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends one inline command and answers the raw reply (setup only: no client library involved).</summary>
    public Task<string> CommandAsync(string inline) => CommandAsync(Port, inline);

    /// <summary>Sends one inline command to any Redis (or Sentinel) on loopback <paramref name="port"/> and answers the raw reply.</summary>
    public static async Task<string> CommandAsync(int port, string inline)
    {
        using var client = new TcpClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await client.ConnectAsync(IPAddress.Loopback, port, cts.Token).ConfigureAwait(false);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(inline + "\r\n"), cts.Token).ConfigureAwait(false);
        var buffer = new byte[16 * 1024];
        var read = await stream.ReadAsync(buffer, cts.Token).ConfigureAwait(false);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }

    private static async Task<bool> PingAsync(int port, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            using var client = new TcpClient();
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(IPAddress.Loopback, port, cts.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cts.Token).ConfigureAwait(false);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, cts.Token).ConfigureAwait(false);

            // "-LOADING" while an AOF is replayed counts as not ready.
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when ((ex is SocketException or IOException or OperationCanceledException) && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static string FindRedisServer() =>
        FindExecutable("redis-server") ?? throw new InvalidOperationException("redis-server is not installed (apt-get install -y redis-server); the test command installs it.");

    /// <summary>The full path of <paramref name="name"/> on PATH (or /usr/bin, /usr/local/bin), or null.</summary>
    public static string? FindExecutable(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Append("/usr/bin").Append("/usr/local/bin"))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
