using Introspection.Registry.Stores;
using Introspection.Registry.Stores.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Introspection.Registry.Tests.Stores;

public sealed class MemoryRegistryStoreFixture : RegistryStoreFixture
{
    internal override ValueTask<IRegistryStore> CreateStoreAsync(RegistryOptions options, FakeTimeProvider time) =>
        ValueTask.FromResult<IRegistryStore>(new MemoryRegistryStore(Options.Create(options), time));
}
