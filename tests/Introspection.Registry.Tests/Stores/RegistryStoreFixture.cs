using Introspection.Registry.Stores;
using Microsoft.Extensions.Time.Testing;

namespace Introspection.Registry.Tests.Stores;

/// <summary>
/// Creates fresh, empty stores for <see cref="RegistryStoreContractTests{TFixture}"/>. A new store
/// implementation adds one fixture (e.g. one that starts a redis-server on a free port and hands out
/// stores with distinct key prefixes) and one test class deriving from the contract tests.
/// </summary>
public abstract class RegistryStoreFixture : IAsyncLifetime
{
    /// <summary>
    /// A new empty store that reads time (lease expiry, history age) from <paramref name="time"/> and
    /// honours <paramref name="options"/> (History, Leases).
    /// </summary>
    internal abstract ValueTask<IRegistryStore> CreateStoreAsync(RegistryOptions options, FakeTimeProvider time);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;
}
