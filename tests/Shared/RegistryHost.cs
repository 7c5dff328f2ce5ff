using Grpc.Net.Client;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Introspection.Testing;

/// <summary>
/// A real registry in process on a loopback port (0 unless asked), built the way the registry host builds
/// itself, plus a client to seed and inspect it. The one place the tests wire the registry up: a change to
/// how the registry is composed or configured touches <see cref="BuildAsync"/> and the setting names here.
/// </summary>
public sealed class RegistryHost : IAsyncDisposable
{
    private static readonly TimeSpan s_defaultStopGrace = TimeSpan.FromSeconds(5);

    private readonly WebApplication _app;
    private readonly FakeLoggerProvider _logs;
    private bool _stopped;

    private RegistryHost(WebApplication app, FakeLoggerProvider logs)
    {
        _app = app;
        _logs = logs;
        Url = app.Urls.Single();
        Address = new Uri(Url);
        if (Address.Port == 0)
        {
            throw new InvalidOperationException("The registry did not report its bound port.");
        }

        Channel = GrpcChannel.ForAddress(Address);
        Client = new Protocol.Registry.V1.Registry.RegistryClient(Channel);
    }

    /// <summary>The bound address, for example <c>http://127.0.0.1:5123/</c>.</summary>
    public Uri Address { get; }

    /// <summary>The bound address as Kestrel reports it, without a trailing slash: <c>http://127.0.0.1:5123</c>.</summary>
    public string Url { get; }

    public int Port => Address.Port;

    public GrpcChannel Channel { get; }

    public Protocol.Registry.V1.Registry.RegistryClient Client { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Every log record the registry wrote, at the levels its settings enable (Warning unless a test asks for more).</summary>
    public FakeLogCollector LogCollector => _logs.Collector;

    /// <summary>The registry's own log records (categories <c>Introspection.*</c>), in the order they were written.</summary>
    public IReadOnlyList<FakeLogRecord> Logs => LogCollector.IntrospectionRecords();

    /// <summary>A registry with an in-memory store and short test leases; <paramref name="settings"/> (command-line form) override the defaults.</summary>
    public static Task<RegistryHost> StartAsync(params string[] settings) => BuildAsync(0, settings);

    /// <summary>A registry on <paramref name="port"/> (0: any free port), for example where a stopped registry was.</summary>
    public static Task<RegistryHost> StartAsync(int port, params string[] settings) => BuildAsync(port, settings);

    /// <summary>A registry node storing in <paramref name="redis"/> under <paramref name="keyPrefix"/>: nodes with the same prefix are one registry.</summary>
    public static Task<RegistryHost> StartOnRedisAsync(RedisServer redis, string keyPrefix, params string[] settings) =>
        BuildAsync(0, [.. RedisSettings(redis, keyPrefix), .. settings]);

    /// <summary>The settings that make a registry store in <paramref name="redis"/> under <paramref name="keyPrefix"/>.</summary>
    public static string[] RedisSettings(RedisServer redis, string keyPrefix) =>
    [
        "--Introspection:Registry:Store=redis",
        $"--Introspection:Registry:Redis:Configuration={redis.Configuration}",
        $"--Introspection:Registry:Redis:KeyPrefix={keyPrefix}",
    ];

    /// <summary>A new (empty, in-memory) registry on the same port, as after a registry restart.</summary>
    public Task<RegistryHost> StartAgainAsync() => BuildAsync(Port, []);

    /// <summary>Registers an instance directly (no process behind it) and maps its services.</summary>
    public async Task<long> RegisterAsync(string app, string instanceId, string host, int port, string revision, IEnumerable<string> services, TimeSpan? ttl = null, string @namespace = "")
    {
        var instance = new Instance { App = app, InstanceId = instanceId, Host = host, Port = port, Revision = revision };
        var response = await Client.RegisterAsync(new RegisterRequest
        {
            Namespace = @namespace,
            Instance = instance,
            TtlMs = (long)(ttl ?? TimeSpan.FromMinutes(5)).TotalMilliseconds,
        }).ResponseAsync.WaitAsync(TestTimeouts.Call).ConfigureAwait(false);
        var map = new MapServiceRequest { Namespace = @namespace, App = app };
        map.Services.Add(services);
        await Client.MapServiceAsync(map).ResponseAsync.WaitAsync(TestTimeouts.Call).ConfigureAwait(false);
        return response.LeaseId;
    }

    public Task DeregisterAsync(string app, string instanceId, string @namespace = "") =>
        Client.DeregisterAsync(new DeregisterRequest { Namespace = @namespace, App = app, InstanceId = instanceId }).ResponseAsync.WaitAsync(TestTimeouts.Call);

    /// <summary>The instances of <paramref name="app"/> the registry lists now.</summary>
    public async Task<IReadOnlyList<Instance>> InstancesAsync(string app)
    {
        var response = await Client.ListInstancesAsync(new ListInstancesRequest { App = app }, deadline: DateTime.UtcNow.Add(TestTimeouts.Call)).ResponseAsync.ConfigureAwait(false);
        return response.Instances;
    }

    /// <summary>
    /// Stops the registry. After <paramref name="grace"/> (default 5 s) whatever is still open (a KeepAlive stream a
    /// client holds) is cut, as in a crash-restart; <see cref="Timeout.InfiniteTimeSpan"/> leaves it to the
    /// registry's own shutdown timeout.
    /// </summary>
    public async Task StopAsync(TimeSpan? grace = null)
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        using var cts = new CancellationTokenSource(grace ?? s_defaultStopGrace);
        try
        {
            await _app.StopAsync(cts.Token).WaitAsync(TestTimeouts.Stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await _app.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await StopAsync().ConfigureAwait(false);
    }

    private static async Task<RegistryHost> BuildAsync(int port, string[] settings)
    {
        var app = RegistryApplication.Build(
        [
            "--urls", $"http://127.0.0.1:{port}",
            "--Logging:LogLevel:Default=Warning",
            // Short leases keep the tests fast: providers ask for 1-1.5 s and renew every few hundred ms.
            "--Introspection:Registry:Leases:MinTtl=00:00:01",
            "--Introspection:Registry:Leases:SweepInterval=00:00:00.200",
            .. settings,
        ]);
        var logs = new FakeLoggerProvider();
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        try
        {
            await app.StartAsync().WaitAsync(TestTimeouts.Start).ConfigureAwait(false);
            return new RegistryHost(app, logs);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
