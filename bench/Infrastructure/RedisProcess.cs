using Introspection.Testing;

namespace Introspection.Bench.Infrastructure;

/// <summary>
/// A private <c>redis-server</c> on a free loopback port, without persistence, for the redis-store runs: the
/// tests' launcher (<see cref="RedisServer"/>, tests/Shared/) plus the /proc sampling the capacity runs need.
/// </summary>
internal sealed class RedisProcess : IAsyncDisposable
{
    private readonly RedisServer _server;

    private RedisProcess(RedisServer server) => _server = server;

    public int Port => _server.Port;

    public int Pid => _server.Pid;

    public string Configuration => _server.Configuration;

    public static async Task<RedisProcess> StartAsync(CancellationToken ct)
    {
        // No AOF, no RDB (the launcher's defaults); protected mode stays on, as in the bench's own launcher before.
        var server = await RedisServer.StartAsync(durable: false, ["--protected-mode", "yes"], ct).ConfigureAwait(false);
        return new RedisProcess(server);
    }

    public ProcessSample Read() => ProcStats.Read(_server.Pid);

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
