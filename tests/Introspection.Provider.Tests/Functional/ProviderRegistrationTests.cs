using Grpc.Core;
using Introspection.Provider.Tests.Infrastructure;
using Introspection.Protocol;
using Introspection.Protocol.Metadata.V1;
using Introspection.Protocol.Registry.V1;

namespace Introspection.Provider.Tests.Functional;

public sealed class ProviderRegistrationTests
{
    [Fact]
    public async Task Start_WithRegistry_RegistryHoldsInstanceWithTheRevisionTheMetadataEndpointServes()
    {
        await using var registry = await RegistryHost.StartAsync();
        await using var provider = await ProviderServer.StartAsync(registry.Address);

        var instance = await SingleInstanceAsync(registry);
        var metadata = await provider.Metadata.GetMetadataInfoAsync(new GetMetadataInfoRequest { Revision = instance.Revision }).ResponseAsync.WaitAsync(TestTimeouts.Short);

        Assert.Equal("127.0.0.1", instance.Host);
        Assert.Equal(provider.Port, instance.Port);
        Assert.Equal($"127.0.0.1:{provider.Port}", instance.InstanceId);
        Assert.Equal(instance.Revision, metadata.Revision);
        Assert.Equal(MetadataRevision.Compute(metadata), metadata.Revision);
        Assert.Equal(ProviderServer.App, metadata.App);
        Assert.Equal(["greet.Farewell", "greet.Greeter"], metadata.Services.Select(s => s.Name));
        Assert.Equal(["SayGoodbye"], metadata.Services[0].Methods);
        Assert.Equal(["SayHello"], metadata.Services[1].Methods);
        var lookup = await registry.Client.LookupServiceAsync(new LookupServiceRequest { Service = "greet.Greeter" }).ResponseAsync.WaitAsync(TestTimeouts.Short);
        Assert.Contains(ProviderServer.App, lookup.Apps);
    }

    [Fact]
    public async Task Start_TwoProvidersOnDifferentPorts_ShareOneRevision()
    {
        await using var registry = await RegistryHost.StartAsync();
        await using var first = await ProviderServer.StartAsync(registry.Address);
        await using var second = await ProviderServer.StartAsync(registry.Address);

        IReadOnlyList<Instance> instances = [];
        await Poll.UntilAsync(async () => (instances = await registry.InstancesAsync(ProviderServer.App)).Count == 2, TestTimeouts.Short, "both providers are registered");

        Assert.NotEqual(instances[0].Port, instances[1].Port);
        Assert.Equal(instances[0].Revision, instances[1].Revision);
        Assert.NotEqual(MetadataRevision.Empty, instances[0].Revision);
    }

    [Fact]
    public async Task Reconfigure_ServiceParamChanged_RegistryGetsNewRevisionAndOldOneIsStillServed()
    {
        await using var registry = await RegistryHost.StartAsync();
        await using var provider = await ProviderServer.StartAsync(registry.Address);
        var before = (await SingleInstanceAsync(registry)).Revision;

        provider.Reconfigure("Introspection:Provider:Services:greet.Greeter:Params:timeout", "1s");

        var after = before;
        await Poll.UntilAsync(async () => (after = (await SingleInstanceAsync(registry)).Revision) != before, TestTimeouts.Short, "the registry holds the new revision");
        var fresh = await provider.Metadata.GetMetadataInfoAsync(new GetMetadataInfoRequest { Revision = after }).ResponseAsync.WaitAsync(TestTimeouts.Short);
        var old = await provider.Metadata.GetMetadataInfoAsync(new GetMetadataInfoRequest { Revision = before }).ResponseAsync.WaitAsync(TestTimeouts.Short);
        Assert.Equal("1s", fresh.Services.Single(s => s.Name == "greet.Greeter").Params["timeout"]);
        Assert.Equal("5s", old.Services.Single(s => s.Name == "greet.Greeter").Params["timeout"]);
        Assert.Equal(before, old.Revision);
    }

    [Fact]
    public async Task Reconfigure_LabelChanged_RegistryGetsNewLabelAndSameRevision()
    {
        await using var registry = await RegistryHost.StartAsync();
        // Through configuration only: the AddIntrospectionProvider delegate runs after binding and would win.
        await using var provider = await ProviderServer.StartAsync(registry.Address);
        var before = await SingleInstanceAsync(registry);
        Assert.Empty(before.Labels);

        provider.Reconfigure("Introspection:Provider:Labels:zone", "b");

        Instance? after = null;
        await Poll.UntilAsync(async () => (after = await SingleInstanceAsync(registry)).Labels.GetValueOrDefault("zone") == "b", TestTimeouts.Short, "the registry holds the new label");
        Assert.Equal(before.Revision, after!.Revision);
    }

    [Fact]
    public async Task GetMetadataInfo_OverTheWire_UnknownIsNotFoundAndMalformedIsInvalidArgument()
    {
        await using var provider = await ProviderServer.StartAsync(registry: null);

        var unknown = await Assert.ThrowsAsync<RpcException>(() => provider.Metadata.GetMetadataInfoAsync(new GetMetadataInfoRequest { Revision = new string('f', MetadataRevision.HexLength) }).ResponseAsync).WaitAsync(TestTimeouts.Short);
        var malformed = await Assert.ThrowsAsync<RpcException>(() => provider.Metadata.GetMetadataInfoAsync(new GetMetadataInfoRequest { Revision = "not-a-revision" }).ResponseAsync).WaitAsync(TestTimeouts.Short);
        var empty = await Assert.ThrowsAsync<RpcException>(() => provider.Metadata.GetMetadataInfoAsync(new GetMetadataInfoRequest()).ResponseAsync).WaitAsync(TestTimeouts.Short);

        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);
    }

    private static async Task<Instance> SingleInstanceAsync(RegistryHost registry)
    {
        Instance? instance = null;
        await Poll.UntilAsync(async () => (instance = (await registry.InstancesAsync(ProviderServer.App)).SingleOrDefault()) is not null, TestTimeouts.Short, "the provider is registered");
        return instance!;
    }
}
