using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Introspection.Testing;

/// <summary>
/// A real Sentinel setup on loopback, owned by the tests: one primary, one replica and one
/// <c>redis-sentinel</c> (quorum 1) watching them as <see cref="ServiceName"/>, each on a free port.
/// Failure detection is tuned for tests (down after 1 s). <see cref="Configuration"/> is what a registry
/// node uses to connect through the Sentinel. Every process is stopped by <see cref="DisposeAsync"/>.
/// Needs <c>redis-sentinel</c> (Debian package redis-sentinel; test.sh installs it) or falls back to
/// <c>redis-server --sentinel</c>.
/// </summary>
public sealed class RedisSentinelCluster : IAsyncDisposable
{
    public const string ServiceName = "mymaster";

    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(20);

    private readonly string _directory = Directory.CreateTempSubdirectory("introspection-sentinel-").FullName;
    private readonly StringBuilder _sentinelLog = new();
    private Process? _sentinel;

    private RedisSentinelCluster(RedisServer primary, RedisServer replica)
    {
        Primary = primary;
        Replica = replica;
    }

    /// <summary>The server that was primary at start.</summary>
    public RedisServer Primary { get; }

    /// <summary>The server that was replica at start (the one promoted when the primary dies).</summary>
    public RedisServer Replica { get; }

    public int SentinelPort { get; private set; }

    /// <summary>The StackExchange.Redis configuration string: the Sentinel endpoint plus <c>serviceName</c>.</summary>
    public string Configuration => $"127.0.0.1:{SentinelPort},serviceName={ServiceName}";

    public static async Task<RedisSentinelCluster> StartAsync(CancellationToken cancellationToken = default)
    {
        // replica-announce-ip: the replica reports 127.0.0.1 to the primary (and so to the Sentinel),
        // never an address that is not loopback.
        var primary = await RedisServer.StartAsync(false, ["--replica-announce-ip", "127.0.0.1"], cancellationToken).ConfigureAwait(false);
        RedisServer? replica = null;
        try
        {
            replica = await RedisServer.StartAsync(
                false,
                ["--replicaof", "127.0.0.1", primary.Port.ToString(CultureInfo.InvariantCulture), "--replica-announce-ip", "127.0.0.1"],
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await primary.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var cluster = new RedisSentinelCluster(primary, replica);
        try
        {
            await cluster.UntilAsync(
                async () => (await replica.CommandAsync("INFO replication").ConfigureAwait(false)).Contains("master_link_status:up", StringComparison.Ordinal),
                "the replica is in sync").ConfigureAwait(false);
            await cluster.StartSentinelAsync(cancellationToken).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>SIGKILL on the primary (no shutdown, no last replication): a crash.</summary>
    public Task KillPrimaryAsync() => Primary.KillAsync();

    /// <summary>
    /// Brings the killed primary back (empty) as a replica of the promoted one, so the setup has a replica
    /// again (a <c>WAIT 1</c> can succeed), and waits until it is in sync. The Sentinel would reconfigure it
    /// too, but only on its next INFO round; this is immediate.
    /// </summary>
    public async Task RestartOldPrimaryAsReplicaAsync()
    {
        await Primary.StartAgainAsync().ConfigureAwait(false);
        await Primary.CommandAsync($"REPLICAOF 127.0.0.1 {Replica.Port}").ConfigureAwait(false);
        await UntilAsync(
            async () => (await Primary.CommandAsync("INFO replication").ConfigureAwait(false)).Contains("master_link_status:up", StringComparison.Ordinal),
            "the old primary is a replica in sync",
            TimeSpan.FromSeconds(45)).ConfigureAwait(false);
    }

    /// <summary>The port of the server the Sentinel currently names as primary.</summary>
    public async Task<int?> PrimaryPortAsync()
    {
        // "*2\r\n$9\r\n127.0.0.1\r\n$4\r\n6380\r\n"
        var lines = (await RedisServer.CommandAsync(SentinelPort, $"SENTINEL GET-MASTER-ADDR-BY-NAME {ServiceName}").ConfigureAwait(false)).Split("\r\n");
        return lines.Length >= 5 && int.TryParse(lines[4], NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : null;
    }

    /// <summary>Waits until the Sentinel has promoted the replica and it accepts writes.</summary>
    public Task WaitForFailoverAsync(TimeSpan timeout) =>
        UntilAsync(
            async () => await PrimaryPortAsync().ConfigureAwait(false) == Replica.Port
                && (await Replica.CommandAsync("INFO replication").ConfigureAwait(false)).Contains("role:master", StringComparison.Ordinal),
            "the Sentinel promoted the replica",
            timeout);

    public async ValueTask DisposeAsync()
    {
        if (_sentinel is { } sentinel)
        {
            _sentinel = null;
            try
            {
                sentinel.Kill();
                await sentinel.WaitForExitAsync().WaitAsync(s_startTimeout).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            sentinel.Dispose();
        }

        await Replica.DisposeAsync().ConfigureAwait(false);
        await Primary.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task StartSentinelAsync(CancellationToken cancellationToken)
    {
        SentinelPort = FreePort.Get();

        // The Sentinel rewrites its config file, so it gets a writable one of its own.
        // resolve-hostnames must precede monitor; down-after / failover-timeout are test-sized, but not so short
        // that a busy 2-core machine stalling a server for a second makes the Sentinel call the new primary down.
        var config = Path.Combine(_directory, "sentinel.conf");
        await File.WriteAllTextAsync(config, $"""
            port {SentinelPort}
            bind 127.0.0.1
            protected-mode no
            daemonize no
            dir {_directory}
            sentinel resolve-hostnames yes
            sentinel announce-ip 127.0.0.1
            sentinel monitor {ServiceName} 127.0.0.1 {Primary.Port} 1
            sentinel down-after-milliseconds {ServiceName} 3000
            sentinel failover-timeout {ServiceName} 10000
            sentinel parallel-syncs {ServiceName} 1

            """, cancellationToken).ConfigureAwait(false);

        var sentinelPath = RedisServer.FindExecutable("redis-sentinel");
        var info = new ProcessStartInfo(sentinelPath ?? RedisServer.FindExecutable("redis-server") ?? throw new InvalidOperationException("redis-sentinel is not installed (apt-get install -y redis-sentinel)."))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(config);
        if (sentinelPath is null)
        {
            info.ArgumentList.Add("--sentinel");
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("redis-sentinel did not start.");
        _sentinel = process;
        process.OutputDataReceived += (_, e) => { lock (_sentinelLog) { _sentinelLog.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (_sentinelLog) { _sentinelLog.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Ready when it names the primary and has discovered the replica (from the primary's INFO):
        // only a known replica can be promoted.
        var replicaPort = $"\r\n{Replica.Port}\r\n";
        await UntilAsync(
            async () => await PrimaryPortAsync().ConfigureAwait(false) == Primary.Port
                && (await RedisServer.CommandAsync(SentinelPort, $"SENTINEL REPLICAS {ServiceName}").ConfigureAwait(false)).Contains(replicaPort, StringComparison.Ordinal),
            "the Sentinel monitors the primary and knows the replica").ConfigureAwait(false);
    }

    private async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? s_startTimeout);
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await condition().ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
            {
                last = ex;
            }

            if (DateTime.UtcNow > deadline || _sentinel is { HasExited: true })
            {
                string log;
                lock (_sentinelLog)
                {
                    log = _sentinelLog.ToString();
                }

                throw new TimeoutException($"Timed out waiting until {what}. {last?.Message} Sentinel log: {log}", last);
            }

            await Task.Delay(100).ConfigureAwait(false);
        }
    }
}
