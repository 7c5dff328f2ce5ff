using Introspection.Protocol.Registry.V1;
using RegistryClient = Introspection.Protocol.Registry.V1.Registry.RegistryClient;

namespace Introspection.Testing;

/// <summary>
/// The sample provider (samples/Greeter.Provider) in its own process, so a test can kill it for real (no
/// deregistration, no drain, connections reset, the lease left to expire), stop it gracefully (SIGTERM) or freeze
/// it (SIGSTOP). A test project that uses it references samples/Greeter.Provider with
/// <c>ReferenceOutputAssembly="false"</c> so it is built first.
/// </summary>
public sealed class ProcessProvider : IDisposable, IAsyncDisposable
{
    private readonly ChildProcess _process;

    private ProcessProvider(ChildProcess process, string instanceId)
    {
        _process = process;
        InstanceId = instanceId;
    }

    public string InstanceId { get; }

    /// <summary>What the provider answers in <c>HelloReply.Instance</c>: <c>greeter/{instance id}</c>.</summary>
    public string Name => "greeter/" + InstanceId;

    public ChildProcess Process => _process;

    public static Task<ProcessProvider> StartAsync(RegistryHost registry, string instanceId, TimeSpan leaseTtl) =>
        StartAsync(registry.Url, registry.Client, instanceId, leaseTtl);

    /// <summary>
    /// Starts a provider registering as app <c>greeter</c> with <paramref name="registries"/> (one registry entry;
    /// comma-separated addresses are nodes of that registry) and waits until <paramref name="probe"/> lists it.
    /// <paramref name="settings"/> (command-line form) come last and override the defaults.
    /// </summary>
    public static async Task<ProcessProvider> StartAsync(string registries, RegistryClient probe, string instanceId, TimeSpan leaseTtl, params string[] settings)
    {
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            $"--Introspection:Provider:Registries:0={registries}",
            "--Introspection:Provider:App=greeter",
            $"--Introspection:Provider:InstanceId={instanceId}",
            $"--Introspection:Provider:LeaseTtl={leaseTtl:c}",
            "--Logging:LogLevel:Default=Warning",
            .. settings,
        ];
        var process = ChildProcess.StartDotnet($"provider {instanceId}", ChildProcess.LocateBuiltApp(Path.Combine("samples", "Greeter.Provider"), "Greeter.Provider.dll"), args);
        var provider = new ProcessProvider(process, instanceId);
        try
        {
            // Poll retries a failing condition, so a provider that dies while starting is watched for separately.
            var registered = Poll.UntilAsync(async () =>
            {
                var list = await probe.ListInstancesAsync(new ListInstancesRequest { App = "greeter" }, deadline: DateTime.UtcNow + TestTimeouts.Call);
                return list.Instances.Any(i => i.InstanceId == instanceId);
            }, $"the sample provider {instanceId} registered", TimeSpan.FromSeconds(30));
            var exited = process.WaitForExitAsync(TimeSpan.FromSeconds(40));
            if (await Task.WhenAny(registered, exited).WaitAsync(TimeSpan.FromSeconds(40)) == exited && await exited)
            {
                throw new InvalidOperationException($"the sample provider exited with code {process.ExitCode}: {process.OutputTail()}");
            }

            await registered;
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }

        return provider;
    }

    /// <summary>The instance as the registry lists it (host, port, revision).</summary>
    public static async Task<Instance> FindAsync(RegistryClient registry, string instanceId)
    {
        var list = await registry.ListInstancesAsync(new ListInstancesRequest { App = "greeter" }, deadline: DateTime.UtcNow + TestTimeouts.Call);
        return list.Instances.Single(i => i.InstanceId == instanceId);
    }

    /// <summary>SIGKILL (a crash) and wait until it is gone.</summary>
    public void Kill() => _process.KillAsync().GetAwaiter().GetResult();

    public Task KillAsync() => _process.KillAsync();

    public Task SignalAsync(string signal) => _process.SignalAsync(signal);

    /// <summary>Freezes the process (SIGSTOP): its sockets stay open and connectable, nothing answers.</summary>
    public void Freeze() => SignalAsync("STOP").GetAwaiter().GetResult();

    /// <summary>Resumes a frozen process (SIGCONT).</summary>
    public void Thaw() => SignalAsync("CONT").GetAwaiter().GetResult();

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
