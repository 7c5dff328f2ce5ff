using System.Diagnostics;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Introspection.Bench.Infrastructure;
using Introspection.Bench.Etcd.V3;
using Introspection.Testing;

namespace Introspection.Bench.Etcd;

/// <summary>
/// A private single-member <c>etcd</c> (Debian's <c>etcd-server</c>, 3.4) on free loopback ports for the
/// client and peer URLs, with its data in a temp dir that is removed when it stops. Like
/// <see cref="RegistryProcess"/>, its CPU seconds and resident memory are read from <c>/proc</c>, so
/// both servers are measured the same way.
/// </summary>
internal sealed class EtcdProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _dataDirectory;
    private readonly StreamWriter? _log;
    private readonly StringBuilder _startupOutput = new();

    private EtcdProcess(Process process, Uri address, string dataDirectory, StreamWriter? log, string version)
    {
        _process = process;
        Address = address;
        _dataDirectory = dataDirectory;
        _log = log;
        Version = version;
        Sampler = new PeakRssSampler(process.Id);
    }

    /// <summary>The client URL (h2c gRPC).</summary>
    public Uri Address { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>What <c>etcd --version</c> printed first ("etcd Version: 3.4.23").</summary>
    public string Version { get; }

    /// <summary>Peak VmRSS sampled every 50 ms since the last <see cref="PeakRssSampler.TakePeak"/>.</summary>
    public PeakRssSampler Sampler { get; }

    public ProcessSample Read() => ProcStats.Read(_process.Id);

    /// <summary>The etcd binary on PATH (or /usr/bin), or null when it is not installed.</summary>
    public static string? FindExecutable() => RedisServer.FindExecutable("etcd");

    /// <summary>Starts etcd; <paramref name="logPath"/> (optional) receives its output.</summary>
    public static async Task<EtcdProcess> StartAsync(string? logPath, CancellationToken ct)
    {
        var binary = FindExecutable() ?? throw new InvalidOperationException(
            "etcd is not installed (apt-get install -y etcd-server); the test command installs it.");
        var version = await ReadVersionAsync(binary, ct).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await LaunchAsync(binary, version, logPath, ct).ConfigureAwait(false);
            }
            catch (InvalidOperationException) when (attempt < 3 && !ct.IsCancellationRequested)
            {
                // A probed port may have been taken before etcd bound it: try other ports.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Sampler.DisposeAsync().ConfigureAwait(false);
        try
        {
            if (!_process.HasExited)
            {
                // Our own child, by its id.
                _process.Kill();
                await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            // Already gone, or refused to die in time; nothing else we can do from here.
        }

        _process.Dispose();
        if (_log is not null)
        {
            lock (_log)
            {
                _log.Dispose();
            }
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<EtcdProcess> LaunchAsync(string binary, string version, string? logPath, CancellationToken ct)
    {
        var clientUrl = $"http://127.0.0.1:{FreePort.Get().ToString(CultureInfo.InvariantCulture)}";
        var peerUrl = $"http://127.0.0.1:{FreePort.Get().ToString(CultureInfo.InvariantCulture)}";
        var dataDirectory = Directory.CreateTempSubdirectory("introspection-etcd-").FullName;
        var psi = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] args =
        [
            "--name", "bench",
            "--data-dir", dataDirectory,
            "--listen-client-urls", clientUrl,
            "--advertise-client-urls", clientUrl,
            "--listen-peer-urls", peerUrl,
            "--initial-advertise-peer-urls", peerUrl,
            "--initial-cluster", "bench=" + peerUrl,
            "--initial-cluster-state", "new",
            // Request logs would cost etcd CPU we are measuring; warnings still go to the log.
            "--logger", "zap",
            "--log-outputs", "stderr",
            "--log-level", "warn",
        ];
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        StreamWriter? log = null;
        if (logPath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logPath))!);
            log = new StreamWriter(logPath, append: false) { AutoFlush = true };
            log.WriteLine($"# {binary} {string.Join(' ', psi.ArgumentList)}");
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("etcd did not start");
        var etcd = new EtcdProcess(process, new Uri(clientUrl), dataDirectory, log, version);
        process.OutputDataReceived += (_, e) => etcd.OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => etcd.OnOutput(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await etcd.WaitReadyAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await etcd.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        etcd.Sampler.Start();
        return etcd;
    }

    private static async Task<string> ReadVersionAsync(string binary, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(binary, "--version") { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("etcd --version did not start");
        var text = await process.StandardOutput.ReadToEndAsync(ct).ConfigureAwait(false);
        await process.WaitForExitAsync(ct).ConfigureAwait(false);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "etcd (unknown version)";
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_startupOutput)
        {
            // Kept only while small: enough to say why a start failed.
            if (_startupOutput.Length < 16 * 1024)
            {
                _startupOutput.AppendLine(line);
            }
        }

        if (_log is not null)
        {
            lock (_log)
            {
                if (_log.BaseStream.CanWrite)
                {
                    _log.WriteLine(line);
                }
            }
        }
    }

    private async Task WaitReadyAsync(CancellationToken ct)
    {
        using var channel = GrpcChannel.ForAddress(Address);
        var kv = new KV.KVClient(channel);
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"etcd exited with code {_process.ExitCode} during startup: {StartupOutput()}");
            }

            try
            {
                // A linearizable read only succeeds once the single member has elected itself leader.
                await kv.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("/"), CountOnly = true }, deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: ct)
                    .ConfigureAwait(false);
                return;
            }
            catch (RpcException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, ct).ConfigureAwait(false);
            }
            catch (RpcException ex)
            {
                throw new InvalidOperationException($"etcd on {Address} did not answer within {StartTimeout.TotalSeconds:F0} s ({ex.Status.Detail}): {StartupOutput()}", ex);
            }
        }
    }

    private string StartupOutput()
    {
        lock (_startupOutput)
        {
            return _startupOutput.ToString();
        }
    }
}
