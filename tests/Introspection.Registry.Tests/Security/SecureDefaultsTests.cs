using Introspection.Registry.Security;

namespace Introspection.Registry.Tests.Security;

/// <summary>The secure default: no authentication and a non-loopback address → no start, one line saying how to fix it.</summary>
public sealed class SecureDefaultsTests
{
    [Fact]
    public async Task Host_AllInterfacesWithoutAuthentication_ExitsNonZeroWithOneLine()
    {
        var dll = ChildProcess.LocateBuiltApp("registry-min/Introspection.Registry.Host", "Introspection.Registry.Host.dll");
        await using var registry = ChildProcess.StartDotnet("registry", dll, ["--urls", $"http://0.0.0.0:{FreePort.Get()}"]);

        var exited = await registry.WaitForExitAsync(TestTimeouts.Start);

        Assert.True(exited, registry.OutputTail());
        Assert.Equal(2, registry.ExitCode);
        Assert.Contains(SecureDefaultsCheck.Message, registry.OutputTail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_AllInterfacesWithoutAuthentication_RefusedInProcessToo()
    {
        var ex = await Assert.ThrowsAsync<InsecureRegistryException>(() => RegistryHost.StartAsync("--urls", "http://0.0.0.0:0"));

        Assert.Equal(SecureDefaultsCheck.Message, ex.Message);
        Assert.Contains("AllowAnonymous=true", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_AllInterfacesWithAllowAnonymous_StartsAndServesAnonymously()
    {
        await using var registry = await RegistryHost.StartAsync("--urls", "http://0.0.0.0:0", "--Introspection:Registry:Security:AllowAnonymous=true");
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{registry.Port}");

        var apps = await new Protocol.Registry.V1.Registry.RegistryClient(channel).ListAppsAsync(new Protocol.Registry.V1.ListAppsRequest(), deadline: DateTime.UtcNow.Add(TestTimeouts.Call));

        Assert.Empty(apps.Apps);
        Assert.Contains(registry.Logs, r => r.Id.Id == 621);
    }

    [Fact]
    public async Task Start_LoopbackWithoutAuthentication_StartsAsToday()
    {
        await using var registry = await RegistryHost.StartAsync();

        await registry.RegisterAsync("orders", "o1", "10.0.0.1", 5000, Infrastructure.Instances.RevisionA, ["shop.Orders"]);

        Assert.Single(await registry.InstancesAsync("orders"));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5300", true)]
    [InlineData("http://[::1]:5300", true)]
    [InlineData("http://localhost:5300", true)]
    [InlineData("http://0.0.0.0:5300", false)]
    [InlineData("http://[::]:5300", false)]
    [InlineData("http://+:5300", false)]
    [InlineData("http://10.1.2.3:5300", false)]
    public void IsLoopback_BoundAddress_Classified(string address, bool loopback) =>
        Assert.Equal(loopback, SecureDefaultsCheck.IsLoopback(address));
}
