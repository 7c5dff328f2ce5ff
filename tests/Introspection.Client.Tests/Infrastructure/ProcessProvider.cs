using System.Diagnostics;
using Introspection.Protocol.Registry.V1;

namespace Introspection.Client.Tests.Infrastructure;

/// <summary>
/// The sample provider (samples/Greeter.Provider) in its own process, so a test can kill it for real: no
/// deregistration, no drain, connections reset, the lease left to expire.
/// </summary>
public sealed class ProcessProvider : IDisposable
{
    private readonly Process _process;

    private ProcessProvider(Process process, string instanceId)
    {
        _process = process;
        InstanceId = instanceId;
    }

    public string InstanceId { get; }

    public static async Task<ProcessProvider> StartAsync(RegistryHost registry, string instanceId, TimeSpan leaseTtl)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(LocateSampleProvider());
        foreach (var arg in new[]
        {
            "--urls", "http://127.0.0.1:0",
            $"--Introspection:Provider:Registries:0={registry.Url}",
            "--Introspection:Provider:App=greeter",
            $"--Introspection:Provider:InstanceId={instanceId}",
            $"--Introspection:Provider:LeaseTtl={leaseTtl:c}",
            "--Logging:LogLevel:Default=Warning",
        })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the sample provider");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var provider = new ProcessProvider(process, instanceId);
        try
        {
            // Poll retries a failing condition, so a provider that dies while starting is watched for separately.
            var registered = Poll.UntilAsync(async () =>
            {
                var list = await registry.Client.ListInstancesAsync(new ListInstancesRequest { App = "greeter" });
                return list.Instances.Any(i => i.InstanceId == instanceId);
            }, $"the sample provider {instanceId} registered", TimeSpan.FromSeconds(30));
            var exited = process.WaitForExitAsync();
            if (await Task.WhenAny(registered, exited).WaitAsync(TimeSpan.FromSeconds(40)) == exited)
            {
                throw new InvalidOperationException($"the sample provider exited with code {process.ExitCode}");
            }

            await registered;
        }
        catch
        {
            provider.Dispose();
            throw;
        }

        return provider;
    }

    /// <summary>Freezes the process (SIGSTOP): its sockets stay open and connectable, nothing answers.</summary>
    public void Freeze() => Signal("STOP");

    /// <summary>Resumes a frozen process (SIGCONT).</summary>
    public void Thaw() => Signal("CONT");

    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            // A frozen process is thawed first, so nothing is left stopped even if the kill below were refused.
            Thaw();
            Kill();
        }

        _process.Dispose();
    }

    private void Signal(string signal)
    {
        if (_process.HasExited)
        {
            return;
        }

        using var kill = Process.Start(new ProcessStartInfo("kill", $"-{signal} {_process.Id}") { UseShellExecute = false })
            ?? throw new InvalidOperationException("could not run kill");
        kill.WaitForExit(10_000);
    }

    private static string LocateSampleProvider()
    {
        // tests/Introspection.Client.Tests/bin/<Configuration>/<tfm>/ → samples/Greeter.Provider/bin/<Configuration>/<tfm>/
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = output.Name;
        var configuration = output.Parent!.Name;
        var root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Introspection.sln")))
        {
            root = root.Parent;
        }

        var path = Path.Combine(root?.FullName ?? throw new InvalidOperationException("repository root not found"), "samples", "Greeter.Provider", "bin", configuration, tfm, "Greeter.Provider.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build samples/Greeter.Provider first (the test project references it).", path);
    }
}
