using Introspection.Registry.Tests.Stores;

namespace Introspection.Registry.Tests.Redis;

/// <summary>The shared store contract, run against Redis.</summary>
public sealed class RedisRegistryStoreContractTests(RedisRegistryStoreFixture fixture)
    : RegistryStoreContractTests<RedisRegistryStoreFixture>(fixture);
