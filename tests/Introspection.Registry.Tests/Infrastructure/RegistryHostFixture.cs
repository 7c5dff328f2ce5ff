namespace Introspection.Registry.Tests.Infrastructure;

/// <summary>One registry shared by the tests of a class (they must not depend on each other's state).</summary>
public sealed class RegistryHostFixture : IAsyncLifetime
{
    private RegistryHost? _server;

    public RegistryHost Server => _server ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _server = await RegistryHost.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
