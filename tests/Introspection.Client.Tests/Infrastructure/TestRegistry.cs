using Introspection.Registry.Tests.Redis;
using Grpc.Net.Client;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry;
using Microsoft.AspNetCore.Builder;

namespace Introspection.Client.Tests.Infrastructure;

/// <summary>A real registry (in-memory store) on a loopback port, plus a client to seed it.</summary>
public sealed class TestRegistry : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly GrpcChannel _channel;
    private bool _stopped;

    private TestRegistry(WebApplication app, string address)
    {
        _app = app;
        Address = address;
        _channel = GrpcChannel.ForAddress(address);
        Client = new Protocol.Registry.V1.Registry.RegistryClient(_channel);
    }

    public string Address { get; }

    public Protocol.Registry.V1.Registry.RegistryClient Client { get; }

    /// <summary>A new (empty, in-memory) registry on the same port, as after a registry restart.</summary>
    public Task<TestRegistry> StartAgainAsync() => StartAsync(Address);

    public static Task<TestRegistry> StartAsync() => StartAsync("http://127.0.0.1:0");

    /// <summary>A registry with extra configuration (for example a Redis store shared with other nodes).</summary>
    public static Task<TestRegistry> StartAsync(params string[] extraArgs) => StartAsync("http://127.0.0.1:0", extraArgs);

    /// <summary>A registry node storing in <paramref name="redis"/> under <paramref name="keyPrefix"/>: nodes with the same prefix are one registry.</summary>
    public static Task<TestRegistry> StartOnRedisAsync(RedisServer redis, string keyPrefix) =>
        StartAsync("http://127.0.0.1:0", "--Introspection:Registry:Store=redis", $"--Introspection:Registry:Redis:Configuration={redis.Configuration}", $"--Introspection:Registry:Redis:KeyPrefix={keyPrefix}");

    private static async Task<TestRegistry> StartAsync(string url, params string[] extraArgs)
    {
        var args = new List<string>
        {
            "--urls", url,
            "--Introspection:Registry:Leases:MinTtl=00:00:01",
            "--Introspection:Registry:Leases:SweepInterval=00:00:00.200",
            "--Logging:LogLevel:Default=Warning",
        };
        args.AddRange(extraArgs);
        var app = RegistryApplication.Build(args.ToArray());
        await app.StartAsync().WaitAsync(TestTimeouts.Start);
        return new TestRegistry(app, app.Urls.First());
    }

    /// <summary>Registers an instance directly (no process behind it) and maps its services.</summary>
    public async Task<long> RegisterAsync(string app, string instanceId, string host, int port, string revision, IEnumerable<string> services, TimeSpan? ttl = null, string @namespace = "")
    {
        var instance = new Instance { App = app, InstanceId = instanceId, Host = host, Port = port, Revision = revision };
        var response = await Client.RegisterAsync(new RegisterRequest
        {
            Namespace = @namespace,
            Instance = instance,
            TtlMs = (long)(ttl ?? TimeSpan.FromMinutes(5)).TotalMilliseconds,
        }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        var map = new MapServiceRequest { Namespace = @namespace, App = app };
        map.Services.Add(services);
        await Client.MapServiceAsync(map).ResponseAsync.WaitAsync(TestTimeouts.Call);
        return response.LeaseId;
    }

    public Task DeregisterAsync(string app, string instanceId, string @namespace = "") =>
        Client.DeregisterAsync(new DeregisterRequest { Namespace = @namespace, App = app, InstanceId = instanceId }).ResponseAsync.WaitAsync(TestTimeouts.Call);

    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _app.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token).WaitAsync(TestTimeouts.Stop);
        await _app.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await StopAsync();
    }
}
