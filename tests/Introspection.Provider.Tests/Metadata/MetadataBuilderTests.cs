using Introspection.Provider.Internal;
using Introspection.Provider.Tests.Infrastructure;
using Introspection.Provider.Tests.TestServices;
using Introspection.Protocol;
using Microsoft.AspNetCore.Builder;

namespace Introspection.Provider.Tests.Metadata;

public sealed class MetadataBuilderTests
{
    [Fact]
    public async Task Build_MappedGreeterAndFarewell_ListsExactlyThoseServicesAndMethods()
    {
        var endpoints = await MappedEndpoints.GreeterAndFarewellAsync().WaitAsync(TestTimeouts.Short);

        var info = MetadataBuilder.Build("app", endpoints, new IntrospectionProviderOptions());

        Assert.Equal("app", info.App);
        Assert.Equal(["greet.Farewell", "greet.Greeter"], info.Services.Select(s => s.Name));
        Assert.Equal(["SayGoodbye"], info.Services[0].Methods);
        Assert.Equal(["SayHello"], info.Services[1].Methods);
        Assert.All(info.Services, s => Assert.Equal(0, s.Port));
        Assert.All(info.Services, s => Assert.Equal("grpc", s.Protocol));
        Assert.Equal(MetadataRevision.Compute(info), info.Revision);
    }

    [Fact]
    public async Task Build_MetadataAndHealthServicesMapped_LeavesThemOut()
    {
        var endpoints = await MappedEndpoints.BuildAsync(app =>
        {
            app.MapIntrospectionMetadata();
            app.MapGrpcHealthChecksService();
        }).WaitAsync(TestTimeouts.Short);

        var info = MetadataBuilder.Build("app", endpoints, new IntrospectionProviderOptions());

        Assert.Empty(info.Services);
        Assert.Equal(MetadataRevision.Empty, info.Revision);
    }

    [Fact]
    public async Task Build_ServiceWithAttributes_UsesAttributeVersionAndParams()
    {
        var endpoints = await MappedEndpoints.GreeterAndFarewellAsync().WaitAsync(TestTimeouts.Short);

        var greeter = MetadataBuilder.Build("app", endpoints, new IntrospectionProviderOptions()).Services.Single(s => s.Name == "greet.Greeter");

        Assert.Equal("1.0", greeter.Version);
        Assert.Equal("", greeter.Group);
        Assert.Equal("5s", greeter.Params["timeout"]);
    }

    [Fact]
    public async Task Build_OptionsForService_OverrideAttributeAndChangeRevision()
    {
        var endpoints = await MappedEndpoints.GreeterAndFarewellAsync().WaitAsync(TestTimeouts.Short);
        var plain = MetadataBuilder.Build("app", endpoints, new IntrospectionProviderOptions());
        var options = new IntrospectionProviderOptions();
        var greeterOptions = new IntrospectionServiceOptions { Group = "canary", Version = "2.0" };
        greeterOptions.Params["timeout"] = "1s";
        greeterOptions.Params["weight"] = "3";
        options.Services["greet.Greeter"] = greeterOptions;

        var info = MetadataBuilder.Build("app", endpoints, options);

        var greeter = info.Services.Single(s => s.Name == "greet.Greeter");
        Assert.Equal("canary", greeter.Group);
        Assert.Equal("2.0", greeter.Version);
        Assert.Equal("1s", greeter.Params["timeout"]);
        Assert.Equal("3", greeter.Params["weight"]);
        Assert.NotEqual(plain.Revision, info.Revision);
    }

    [Fact]
    public async Task Build_ServiceExcludedByOptions_IsLeftOut()
    {
        var endpoints = await MappedEndpoints.GreeterAndFarewellAsync().WaitAsync(TestTimeouts.Short);
        var options = new IntrospectionProviderOptions();
        options.Services["greet.Farewell"] = new IntrospectionServiceOptions { Exclude = true };

        var info = MetadataBuilder.Build("app", endpoints, options);

        Assert.Equal(["greet.Greeter"], info.Services.Select(s => s.Name));
    }

    [Fact]
    public async Task Build_MethodNotOverridden_IsNotListed()
    {
        var endpoints = await MappedEndpoints.BuildAsync(app => app.MapGrpcService<UnimplementedGreeterService>()).WaitAsync(TestTimeouts.Short);

        var info = MetadataBuilder.Build("app", endpoints, new IntrospectionProviderOptions());

        var greeter = Assert.Single(info.Services);
        Assert.Equal("greet.Greeter", greeter.Name);
        Assert.Empty(greeter.Methods);
    }

    [Fact]
    public async Task Build_TwiceFromSameEndpoints_GivesSameRevision()
    {
        var first = MetadataBuilder.Build("app", await MappedEndpoints.GreeterAndFarewellAsync().WaitAsync(TestTimeouts.Short), new IntrospectionProviderOptions());
        var second = MetadataBuilder.Build("app", await MappedEndpoints.GreeterAndFarewellAsync().WaitAsync(TestTimeouts.Short), new IntrospectionProviderOptions());

        Assert.Equal(first.Revision, second.Revision);
        Assert.Equal(MetadataRevision.HexLength, first.Revision.Length);
    }
}
