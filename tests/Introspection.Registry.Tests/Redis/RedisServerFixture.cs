namespace Introspection.Registry.Tests.Redis;

/// <summary>One shared, non-durable redis-server for the tests of <see cref="RedisCollection"/>; each test isolates itself by a fresh key prefix.</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServer? _server;

    public RedisServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _server = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
