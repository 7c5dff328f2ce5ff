namespace Introspection.ServiceDiscovery.Tests.Infrastructure;

/// <summary>The YARP gateway sample (samples/Gateway) in its own process, on a free loopback port.</summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private GatewayProcess(ChildProcess process, Uri address)
    {
        Process = process;
        Address = address;
    }

    public ChildProcess Process { get; }

    public Uri Address { get; }

    /// <summary>Starts the gateway against <paramref name="registry"/> and waits until it answers on its own port.</summary>
    public static async Task<GatewayProcess> StartAsync(RegistryHost registry, params string[] settings)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort.Get()}");
        string[] args =
        [
            "--urls", address.ToString().TrimEnd('/'),
            $"--Introspection:Client:Registries:0={registry.Url}",
            "--Introspection:Client:EnableSnapshot=false",
            "--Logging:LogLevel:Default=Warning",
            .. settings,
        ];
        var process = ChildProcess.StartDotnet("gateway", ChildProcess.LocateBuiltApp(Path.Combine("samples", "Gateway"), "Gateway.dll"), args);
        var gateway = new GatewayProcess(process, address);
        try
        {
            using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
            await Poll.UntilAsync(async () =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"the gateway exited with code {process.ExitCode}: {process.OutputTail()}");
                }

                try
                {
                    // Any answer (even 404 or 503 before destinations exist) means Kestrel is up.
                    using var response = await http.GetAsync("/not-routed");
                    return true;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(30), "the gateway listens");
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }

        return gateway;
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
