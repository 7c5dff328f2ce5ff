using Introspection.Registry.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Introspection.Registry.Tests.Functional;

public sealed class RegistryApplicationTests
{
    [Fact]
    public async Task StartAsync_InvalidOption_FailsNamingKey()
    {
        await using var app = RegistryApplication.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=None", "--Introspection:Registry:Leases:MinTtl=00:00:00"]);

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync()).WaitAsync(TestTimeouts.Long);

        Assert.Contains("Introspection:Registry:Leases:MinTtl", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_UnknownStore_Fails()
    {
        await using var app = RegistryApplication.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=None", "--Introspection:Registry:Store=etcd"]);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync()).WaitAsync(TestTimeouts.Long);

        Assert.Contains("etcd", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_Port0_UrlsReportBoundPort()
    {
        await using var server = await RegistryHost.StartAsync();

        Assert.Equal("127.0.0.1", server.Address.Host);
        Assert.NotEqual(0, server.Address.Port);
        var apps = await server.Client.ListAppsAsync(new Protocol.Registry.V1.ListAppsRequest(), deadline: DateTime.UtcNow.Add(TestTimeouts.Long));
        Assert.Empty(apps.Apps);
        Assert.True(apps.Revision > 0);
    }
}
