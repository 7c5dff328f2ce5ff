using Introspection.Protocol.Registry.V1;
using RegistryClient = Introspection.Protocol.Registry.V1.Registry.RegistryClient;

namespace Introspection.Testing;

/// <summary>
/// The HTTP-only sample provider (samples/Weather.HttpProvider: minimal APIs, app <c>weather</c>) in its own process,
/// so a test can kill it for real (no deregistration, connections reset, the lease left to expire). A test project
/// that uses it references samples/Weather.HttpProvider with <c>ReferenceOutputAssembly="false"</c>.
/// </summary>
public sealed class ProcessHttpProvider : IAsyncDisposable
{
    public const string App = "weather";

    private ProcessHttpProvider(ChildProcess process, string instanceId)
    {
        Process = process;
        InstanceId = instanceId;
    }

    /// <summary>The instance id; also what the provider answers on <c>GET /whoami</c>.</summary>
    public string InstanceId { get; }

    public ChildProcess Process { get; }

    /// <summary>Starts a provider registering with <paramref name="registry"/> and waits until the registry lists it.</summary>
    public static async Task<ProcessHttpProvider> StartAsync(string registry, RegistryClient probe, string instanceId, TimeSpan leaseTtl, params string[] settings)
    {
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            $"--Introspection:Provider:Registries:0={registry}",
            $"--Introspection:Provider:App={App}",
            $"--Introspection:Provider:InstanceId={instanceId}",
            $"--Introspection:Provider:LeaseTtl={leaseTtl:c}",
            "--Introspection:Provider:PropagationDelay=00:00:00.300",
            "--Logging:LogLevel:Default=Warning",
            .. settings,
        ];
        var process = ChildProcess.StartDotnet($"weather {instanceId}", ChildProcess.LocateBuiltApp(Path.Combine("samples", "Weather.HttpProvider"), "Weather.HttpProvider.dll"), args);
        var provider = new ProcessHttpProvider(process, instanceId);
        try
        {
            var registered = Poll.UntilAsync(async () =>
            {
                var list = await probe.ListInstancesAsync(new ListInstancesRequest { App = App }, deadline: DateTime.UtcNow + TestTimeouts.Call);
                return list.Instances.Any(i => i.InstanceId == instanceId);
            }, $"the weather provider {instanceId} registered", TimeSpan.FromSeconds(30));
            var exited = process.WaitForExitAsync(TimeSpan.FromSeconds(40));
            if (await Task.WhenAny(registered, exited).WaitAsync(TimeSpan.FromSeconds(40)) == exited && await exited)
            {
                throw new InvalidOperationException($"the weather provider exited with code {process.ExitCode}: {process.OutputTail()}");
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

    /// <summary>SIGKILL (a crash) and wait until it is gone.</summary>
    public Task KillAsync() => Process.KillAsync();

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
