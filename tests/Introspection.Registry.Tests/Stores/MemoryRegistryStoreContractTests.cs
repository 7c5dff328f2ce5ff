namespace Introspection.Registry.Tests.Stores;

public sealed class MemoryRegistryStoreContractTests(MemoryRegistryStoreFixture fixture)
    : RegistryStoreContractTests<MemoryRegistryStoreFixture>(fixture);
