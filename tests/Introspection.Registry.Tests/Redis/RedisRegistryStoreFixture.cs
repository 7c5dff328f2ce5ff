using Introspection.Registry.Stores;
using Introspection.Registry.Tests.Stores;
using Microsoft.Extensions.Time.Testing;

namespace Introspection.Registry.Tests.Redis;

/// <summary>
/// The contract suite's Redis fixture: one redis-server for the class, a fresh key prefix (an empty
/// registry) per store. The store reads lease and history time from the test's fake clock instead of
/// Redis <c>TIME</c>, so the suite's <c>Time.Advance</c> works unchanged.
/// </summary>
public sealed class RedisRegistryStoreFixture : RegistryStoreFixture
{
    private readonly List<IAsyncDisposable> _stores = [];
    private RedisServer? _server;

    public override async Task InitializeAsync() => _server = await RedisServer.StartAsync();

    public override async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    internal override ValueTask<IRegistryStore> CreateStoreAsync(RegistryOptions options, FakeTimeProvider time)
    {
        var store = RedisStores.Create(_server!.Configuration, RedisStores.NewPrefix(), options, time, static o => o.UseTimeProviderClock = true);
        lock (_stores)
        {
            _stores.Add(store);
        }

        return ValueTask.FromResult<IRegistryStore>(store);
    }
}
