using System.Diagnostics;
using System.Net;
using Grpc.Core;
using Introspection.Testing;
using Introspection.Protocol.Registry.V1;
using RegistryClient = Introspection.Protocol.Registry.V1.Registry.RegistryClient;

namespace Introspection.Bench.Infrastructure;

/// <summary>
/// A registry started as its own OS process, so its CPU seconds and resident memory can be read
/// from <c>/proc</c> without the load generator's own work mixed in. One fresh process per model run.
/// </summary>
internal sealed class RegistryProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly PeakRssSampler _sampler;
    private readonly StreamWriter _log;

    private RegistryProcess(Process process, Uri address, StreamWriter log)
    {
        _process = process;
        Address = address;
        _log = log;
        _sampler = new PeakRssSampler(process.Id);
    }

    public Uri Address { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Peak VmRSS sampled every 50 ms since the last <see cref="PeakRssSampler.TakePeak"/>.</summary>
    public PeakRssSampler Sampler => _sampler;

    public ProcessSample Read() => ProcStats.Read(_process.Id);

    public static async Task<RegistryProcess> StartAsync(
        string registryDll, IEnumerable<string> configArgs, IReadOnlyDictionary<string, string>? environment, string logPath, CancellationToken ct)
    {
        var port = FreePort.Get(IPAddress.Loopback);
        var address = new Uri($"http://127.0.0.1:{port}");
        var psi = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(registryDll)!,
        };
        psi.ArgumentList.Add(registryDll);
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add(address.ToString().TrimEnd('/'));
        // Informational request logs would cost the registry CPU we are trying to measure.
        psi.ArgumentList.Add("--Logging:LogLevel:Default=Warning");
        foreach (var arg in configArgs)
        {
            psi.ArgumentList.Add(arg);
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                psi.Environment[key] = value;
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logPath))!);
        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        log.WriteLine($"# {psi.FileName} {string.Join(' ', psi.ArgumentList)}");
        var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => WriteLog(log, e.Data);
        process.ErrorDataReceived += (_, e) => WriteLog(log, e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException("could not start the registry process");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var registry = new RegistryProcess(process, address, log);
        try
        {
            await registry.WaitReadyAsync(logPath, ct).ConfigureAwait(false);
        }
        catch
        {
            await registry.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        registry._sampler.Start();
        return registry;
    }

    public async ValueTask DisposeAsync()
    {
        await _sampler.DisposeAsync().ConfigureAwait(false);
        try
        {
            if (!_process.HasExited)
            {
                // Our own child, by its id: a graceful stop is not part of what we measure.
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            // Already gone, or refused to die in time; nothing else we can do from here.
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    internal static string DotnetHost()
    {
        // DOTNET_HOST_PATH is set by the SDK (dotnet run/test); otherwise the muxer that runs us.
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }

    private static void WriteLog(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            if (log.BaseStream.CanWrite)
            {
                log.WriteLine(line);
            }
        }
    }

    private async Task WaitReadyAsync(string logPath, CancellationToken ct)
    {
        using var channel = GrpcChannels.Create(Address);
        var client = new RegistryClient(channel);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the registry process exited with code {_process.ExitCode} during startup; see {logPath}");
            }

            try
            {
                await client.ListAppsAsync(new ListAppsRequest(), deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: ct).ConfigureAwait(false);
                return;
            }
            catch (RpcException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, ct).ConfigureAwait(false);
            }
        }
    }
}
