using Grpc.Core;
using Introspection.Protocol;
using Introspection.Protocol.Metadata.V1;
using Introspection.Provider;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Introspection.ServiceDiscovery.Tests.Provider;

/// <summary>A provider's HTTP endpoints in its metadata, built from the app's endpoint data source.</summary>
public sealed class HttpMetadataTests
{
    [Fact]
    public async Task Metadata_MinimalApiRoutes_ListedWithMethodsWithoutGrpcOrInfrastructure()
    {
        await using var registry = await RegistryHost.StartAsync();
        await using var provider = await StartAsync(registry, describe: true, grpc: true);

        var metadata = provider.Get<IProviderMetadata>().Current;

        Assert.Equal(
            ["/any:", "/weather:GET,POST", "/weather/{city}:GET", "/weather/{city}/alerts:DELETE,PUT"],
            metadata.HttpEndpoints.Select(e => $"{e.Route}:{string.Join(',', e.Methods)}"));
        Assert.Equal("greet.Greeter", Assert.Single(metadata.Services).Name);
        Assert.Equal(MetadataRevision.Compute(metadata), metadata.Revision);
        Assert.NotEqual(MetadataRevision.Empty, metadata.Revision);
    }

    [Fact]
    public async Task Metadata_HttpOnlyApp_HasARevisionAndIsServedOverTheMetadataEndpoint()
    {
        await using var registry = await RegistryHost.StartAsync();
        await using var provider = await StartAsync(registry, describe: true, grpc: false);
        await Poll.UntilAsync(async () => (await registry.InstancesAsync("weather")).Count == 1, TestTimeouts.Condition, "the provider registered");
        var registered = Assert.Single(await registry.InstancesAsync("weather"));

        using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(provider.Address);
        var served = await new MetadataService.MetadataServiceClient(channel).GetMetadataInfoAsync(
            new GetMetadataInfoRequest { Revision = registered.Revision }, deadline: DateTime.UtcNow + TestTimeouts.Call);

        Assert.Empty(served.Services);
        Assert.Equal(4, served.HttpEndpoints.Count);
        Assert.Equal(registered.Revision, served.Revision);
        Assert.Equal(MetadataRevision.Compute(served), served.Revision);
    }

    [Fact]
    public async Task Metadata_DescribeHttpEndpointsOff_GrpcAppKeepsTheRevisionItHadWithoutRoutes()
    {
        await using var registry = await RegistryHost.StartAsync();
        await using var withRoutes = await StartAsync(registry, describe: false, grpc: true);
        await using var grpcOnly = await ProviderHost.StartAsync("weather", o => o.Registries.Add(registry.Url), null, web =>
        {
            web.MapGrpcService<TestGreeter>();
            web.MapIntrospectionMetadata();
        });

        var off = withRoutes.Get<IProviderMetadata>().Current;
        var plain = grpcOnly.Get<IProviderMetadata>().Current;

        Assert.Empty(off.HttpEndpoints);
        Assert.Equal(plain.Revision, off.Revision);
        // The same content hashed the pre-HTTP way: one service, no HTTP section.
        Assert.Equal(MetadataRevision.Compute(new MetadataInfo { App = off.App, Services = { off.Services } }), off.Revision);
    }

    private static Task<ProviderHost> StartAsync(RegistryHost registry, bool describe, bool grpc) =>
        ProviderHost.StartAsync(
            "weather",
            o =>
            {
                o.Registries.Add(registry.Url);
                o.DescribeHttpEndpoints = describe;
            },
            null,
            web =>
            {
                web.MapGet("/weather/{city}", (string city) => city);
                web.MapGet("/weather", () => "all");
                web.MapPost("/weather", () => Results.Created());
                web.MapMethods("/weather/{city}/alerts", ["PUT", "DELETE"], () => Results.NoContent());
                web.Map("/any", () => "any method");
                if (grpc)
                {
                    web.MapGrpcService<TestGreeter>();
                }

                web.MapIntrospectionMetadata();
            });

    private sealed class TestGreeter : Greeter.Contracts.Greeter.GreeterBase
    {
        public override Task<Greeter.Contracts.HelloReply> SayHello(Greeter.Contracts.HelloRequest request, ServerCallContext context) =>
            Task.FromResult(new Greeter.Contracts.HelloReply { Message = "Hello " + request.Name, Instance = "test" });
    }
}
