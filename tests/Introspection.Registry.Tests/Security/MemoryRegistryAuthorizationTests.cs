namespace Introspection.Registry.Tests.Security;

/// <summary><see cref="RegistryAuthorizationTests"/> on the memory store.</summary>
public sealed class MemoryRegistryAuthorizationTests : RegistryAuthorizationTests
{
    private protected override Task<SecuredRegistry> StartAsync(params string[] settings) => SecuredRegistry.StartAsync(settings);
}
