using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Introspection.Protocol.Registry.V1;
using RegistryClient = Introspection.Protocol.Registry.V1.Registry.RegistryClient;

namespace Introspection.FaultTests.Infrastructure;

/// <summary>
/// The registry host (registry-min/Introspection.Registry.Host) as its own process on a fixed loopback port, so a
/// test can SIGKILL it and start it again where it was, or SIGSTOP it (a listener that accepts and never answers).
/// </summary>
public sealed class RegistryProcess : IAsyncDisposable
{
    private readonly string[] _settings;
    private ChildProcess? _process;

    private RegistryProcess(int port, string[] settings)
    {
        Port = port;
        _settings = settings;
        Url = $"http://127.0.0.1:{port}";
        Channel = GrpcChannel.ForAddress(Url);
        Client = new RegistryClient(Channel);
        Health = new Health.HealthClient(Channel);
    }

    public int Port { get; }

    public string Url { get; }

    public GrpcChannel Channel { get; }

    public RegistryClient Client { get; }

    public Health.HealthClient Health { get; }

    public ChildProcess Process => _process ?? throw new InvalidOperationException("the registry is not running");

    /// <summary>Starts a registry on a free port; <paramref name="settings"/> are command-line settings (<c>--Introspection:Registry:...=</c>).</summary>
    public static async Task<RegistryProcess> StartAsync(params string[] settings)
    {
        var registry = new RegistryProcess(FreePort.Get(), settings);
        try
        {
            await registry.StartAgainAsync();
        }
        catch
        {
            await registry.DisposeAsync();
            throw;
        }

        return registry;
    }

    /// <summary>Starts the registry (again) on the same port with the same settings, and waits until it answers.</summary>
    public async Task StartAgainAsync()
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("the registry is still running");
        }

        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        var dll = ChildProcess.LocateBuiltApp(Path.Combine("registry-min", "Introspection.Registry.Host"), "Introspection.Registry.Host.dll");
        _process = ChildProcess.StartDotnet($"registry :{Port}", dll, ["--urls", Url, "--Logging:LogLevel:Default=Warning", .. _settings]);
        await Poll.UntilAsync(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the registry exited with code {_process.ExitCode}: {_process.OutputTail()}");
            }

            await Client.ListAppsAsync(new ListAppsRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
            return true;
        }, TestTimeouts.Long, $"the registry on port {Port} answers", TimeSpan.FromMilliseconds(100));
    }

    /// <summary>SIGKILL: no shutdown, every connection reset, the in-memory state lost.</summary>
    public Task KillAsync() => Process.KillAsync();

    public Task SignalAsync(string signal) => Process.SignalAsync(signal);

    /// <summary>The grpc.health.v1 status of <paramref name="service"/> ("" = the whole registry).</summary>
    public async Task<HealthCheckResponse.Types.ServingStatus> CheckHealthAsync(string service = "")
    {
        var response = await Health.CheckAsync(new HealthCheckRequest { Service = service }, deadline: DateTime.UtcNow + TestTimeouts.Call);
        return response.Status;
    }

    /// <summary>True when the process is alive and its health service answers SERVING.</summary>
    public async Task<bool> IsServingAsync()
    {
        try
        {
            return _process is { HasExited: false } && await CheckHealthAsync() == HealthCheckResponse.Types.ServingStatus.Serving;
        }
        catch (RpcException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }
}
