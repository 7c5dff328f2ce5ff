using Introspection.Provider.Tests.Infrastructure;

namespace Introspection.Provider.Tests.Functional;

/// <summary>A real provider registers the host an environment variable gives it (the downward API's pod IP).</summary>
public sealed class PodIpRegistrationTests
{
    [Fact]
    public async Task Start_HostFromEnvironment_RegistersThePodIpNotTheListeningAddress()
    {
        // A variable of this test alone: the process environment is shared with tests running in parallel.
        var variable = "INTROSPECTION_TEST_POD_IP_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "10.244.1.7");
        try
        {
            await using var registry = await RegistryHost.StartAsync();
            await using var provider = await ProviderServer.StartAsync(registry.Address, o => o.HostFromEnvironment = variable);

            await Poll.UntilAsync(async () => (await registry.InstancesAsync(ProviderServer.App)).Count == 1, TestTimeouts.Short, "the provider registered");
            var instance = Assert.Single(await registry.InstancesAsync(ProviderServer.App));
            Assert.Equal("10.244.1.7", instance.Host);
            Assert.NotEqual(0, instance.Port);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task Start_HostFromEnvironmentNotSet_StartupFailsNamingTheVariable()
    {
        var variable = "INTROSPECTION_TEST_POD_IP_" + Guid.NewGuid().ToString("N");

        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var provider = await ProviderServer.StartAsync(registry: null, o => o.HostFromEnvironment = variable);
        });

        Assert.Contains(variable, ex.ToString(), StringComparison.Ordinal);
    }
}
