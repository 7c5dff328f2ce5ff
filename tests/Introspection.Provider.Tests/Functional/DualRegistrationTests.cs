using System.Diagnostics.Metrics;
using Introspection.Provider.Tests.Infrastructure;
using Introspection.Protocol.Metadata.V1;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Introspection.Provider.Tests.Functional;

public sealed class DualRegistrationTests
{
    [Fact]
    public async Task Start_TwoRegistries_RegisteredInBothEachWithItsOwnLeaseAndGoneFromBothOnStop()
    {
        await using var first = await RegistryHost.StartAsync();
        await using var second = await RegistryHost.StartAsync();
        await using var provider = await ProviderServer.StartAsync(first.Address, o => o.Registries.Add(second.Address.ToString()));
        using var renewals = new MetricCollector<long>(provider.Get<IMeterFactory>(), "Introspection.Provider", "introspection.provider.renewals");

        await Poll.UntilAsync(async () => (await first.InstancesAsync(ProviderServer.App)).Count == 1 && (await second.InstancesAsync(ProviderServer.App)).Count == 1, TestTimeouts.Short, "both registries hold the instance");
        // Renewals flow to both registries: each keeps its own lease alive.
        await Poll.UntilAsync(() => renewals.GetMeasurementSnapshot().Select(m => m.Tags["introspection.registry.address"]).Distinct().Count() == 2, TestTimeouts.Short, "both leases are renewed");

        await provider.StopAsync();

        Assert.Empty(await first.InstancesAsync(ProviderServer.App));
        Assert.Empty(await second.InstancesAsync(ProviderServer.App));
    }

    [Fact]
    public async Task Start_FirstAddressOfRegistryDead_RegistersThroughTheNextAddress()
    {
        var deadPort = FreePort.Get();
        await using var registry = await RegistryHost.StartAsync();

        await using var provider = await ProviderServer.StartAsync(registry: null, o => o.Registries.Add($"http://127.0.0.1:{deadPort}, {registry.Address}"));

        await Poll.UntilAsync(async () => (await registry.InstancesAsync(ProviderServer.App)).Count == 1, TestTimeouts.Short, "the provider registered through the live address");
        Assert.Contains(provider.Logs, e => e.Id.Id == 51 && e.Message.Contains($"127.0.0.1:{deadPort}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetMetadataInfo_Served_CountedByStatus()
    {
        await using var provider = await ProviderServer.StartAsync(registry: null);
        using var requests = new MetricCollector<long>(provider.Get<IMeterFactory>(), "Introspection.Provider", "introspection.provider.metadata.requests");
        var current = provider.Get<IProviderMetadata>().Current.Revision;

        await provider.Metadata.GetMetadataInfoAsync(new GetMetadataInfoRequest { Revision = current }).ResponseAsync.WaitAsync(TestTimeouts.Short);

        await Poll.UntilAsync(() => requests.GetMeasurementSnapshot().Any(m => (string?)m.Tags["introspection.result"] == "OK"), TestTimeouts.Short, "the request is counted");
    }
}
