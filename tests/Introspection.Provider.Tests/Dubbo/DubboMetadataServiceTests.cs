using Grpc.Core;
using Grpc.Net.Client;
using Introspection.Provider.Tests.Infrastructure;
using Introspection.Provider.Tests.TestServices;
using Microsoft.AspNetCore.Builder;
using Org.Apache.Dubbo.Metadata;

namespace Introspection.Provider.Tests.Dubbo;

/// <summary>
/// Dubbo 3.3's MetadataServiceV2 on a real provider (Kestrel, loopback), called through a grpc-dotnet client generated
/// from Dubbo's own proto, with the headers a Dubbo consumer sends.
/// </summary>
public sealed class DubboMetadataServiceTests
{
    private static Grpc.Core.Metadata DubboHeaders(string app = ProviderServer.App, string version = "2.0.0") => new()
    {
        { "tri-service-group", app },
        { "tri-service-version", version },
    };

    [Fact]
    public async Task GetMetadataInfo_DubboHeaders_ServesTheCurrentRevisionKeyedByMatchKey()
    {
        await using var provider = await ProviderServer.StartAsync(registry: null, o => o.Dubbo.Enabled = true);
        using var channel = GrpcChannel.ForAddress(provider.Address);
        var client = new MetadataServiceV2.MetadataServiceV2Client(channel);
        var current = provider.Get<IProviderMetadata>().Current;

        var info = await client.GetMetadataInfoAsync(new MetadataRequest { Revision = current.Revision }, DubboHeaders()).ResponseAsync.WaitAsync(TestTimeouts.Call);

        Assert.Equal(ProviderServer.App, info.App);
        Assert.Equal(current.Revision, info.Version);
        // GreeterService: version 1.0, no group; FarewellService: neither. Dubbo writes absent parts as nothing.
        Assert.Equal(["greet.Farewell:tri", "greet.Greeter:1.0:tri"], info.Services.Keys.Order(StringComparer.Ordinal));
        var greeter = info.Services["greet.Greeter:1.0:tri"];
        Assert.Equal("greet.Greeter", greeter.Name);
        Assert.Equal(string.Empty, greeter.Group);
        Assert.Equal("1.0", greeter.Version);
        Assert.Equal("tri", greeter.Protocol);
        Assert.Equal(provider.Port, greeter.Port);
        Assert.Equal("greet.Greeter", greeter.Path);
        Assert.Equal("5s", greeter.Params["timeout"]);
        Assert.Equal("SayHello", greeter.Params["methods"]);
    }

    [Fact]
    public async Task Enable_DoesNotListMetadataServiceV2OrChangeTheRevision()
    {
        await using var plain = await ProviderServer.StartAsync(registry: null);
        await using var dubbo = await ProviderServer.StartAsync(registry: null, o => o.Dubbo.Enabled = true);

        var withDubbo = dubbo.Get<IProviderMetadata>().Current;

        Assert.Equal(plain.Get<IProviderMetadata>().Current.Revision, withDubbo.Revision);
        Assert.DoesNotContain(withDubbo.Services, s => s.Name == MetadataServiceV2.Descriptor.FullName);
    }

    [Fact]
    public async Task GetMetadataInfo_NoHeaders_Served()
    {
        await using var provider = await ProviderServer.StartAsync(registry: null, o => o.Dubbo.Enabled = true);
        using var channel = GrpcChannel.ForAddress(provider.Address);
        var client = new MetadataServiceV2.MetadataServiceV2Client(channel);
        var revision = provider.Get<IProviderMetadata>().Current.Revision;

        var info = await client.GetMetadataInfoAsync(new MetadataRequest { Revision = revision }).ResponseAsync.WaitAsync(TestTimeouts.Call);

        Assert.Equal(revision, info.Version);
    }

    [Theory]
    [InlineData("", "2.0.0", StatusCode.InvalidArgument)]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "2.0.0", StatusCode.NotFound)]
    [InlineData("0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF", "2.0.0", StatusCode.InvalidArgument)]
    [InlineData("9F86D081884C7D659A2FEAA0C55AD015", "2.0.0", StatusCode.InvalidArgument)]
    [InlineData("current", "1.0.0", StatusCode.NotFound)]
    public async Task GetMetadataInfo_UnknownOrMalformed_ClearStatusNeverEmptyMetadata(string revision, string serviceVersion, StatusCode expected)
    {
        await using var provider = await ProviderServer.StartAsync(registry: null, o => o.Dubbo.Enabled = true);
        using var channel = GrpcChannel.ForAddress(provider.Address);
        var client = new MetadataServiceV2.MetadataServiceV2Client(channel);
        if (revision == "current")
        {
            revision = provider.Get<IProviderMetadata>().Current.Revision;
        }

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.GetMetadataInfoAsync(new MetadataRequest { Revision = revision }, DubboHeaders(version: serviceVersion)).ResponseAsync.WaitAsync(TestTimeouts.Call));

        Assert.Equal(expected, ex.StatusCode);
    }

    [Fact]
    public async Task GetMetadataInfo_GroupNamesAnotherApp_NotFound()
    {
        await using var provider = await ProviderServer.StartAsync(registry: null, o => o.Dubbo.Enabled = true);
        using var channel = GrpcChannel.ForAddress(provider.Address);
        var client = new MetadataServiceV2.MetadataServiceV2Client(channel);
        var revision = provider.Get<IProviderMetadata>().Current.Revision;

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.GetMetadataInfoAsync(new MetadataRequest { Revision = revision }, DubboHeaders(app: "other-app")).ResponseAsync.WaitAsync(TestTimeouts.Call));

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.Contains("other-app", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetMetadataInfo_NotEnabled_Unimplemented()
    {
        await using var provider = await ProviderServer.StartAsync(registry: null);
        using var channel = GrpcChannel.ForAddress(provider.Address);
        var client = new MetadataServiceV2.MetadataServiceV2Client(channel);

        var ex = await Assert.ThrowsAsync<RpcException>(() => client.GetMetadataInfoAsync(new MetadataRequest { Revision = "0" }, DubboHeaders()).ResponseAsync.WaitAsync(TestTimeouts.Call));

        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }

    [Fact]
    public async Task MapIntrospectionDubboMetadata_OnItsOwn_ServesV2AndNotOurService()
    {
        await using var host = await ProviderHost.StartAsync(ProviderServer.App, configure: null, services: null, map: web =>
        {
            web.MapGrpcService<GreeterService>();
            web.MapIntrospectionDubboMetadata();
        });
        using var channel = GrpcChannel.ForAddress(host.Address);
        var revision = host.Get<IProviderMetadata>().Current.Revision;

        var info = await new MetadataServiceV2.MetadataServiceV2Client(channel).GetMetadataInfoAsync(new MetadataRequest { Revision = revision }, DubboHeaders()).ResponseAsync.WaitAsync(TestTimeouts.Call);
        var ex = await Assert.ThrowsAsync<RpcException>(() => new Protocol.Metadata.V1.MetadataService.MetadataServiceClient(channel).GetMetadataInfoAsync(new Protocol.Metadata.V1.GetMetadataInfoRequest { Revision = revision }).ResponseAsync.WaitAsync(TestTimeouts.Call));

        Assert.Equal(["greet.Greeter:1.0:tri"], info.Services.Keys);
        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }

    [Fact]
    public async Task MapIntrospectionDubboMetadata_AfterMapIntrospectionMetadataWithEnabled_Throws()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ProviderServer.StartAsync(registry: null, o => o.Dubbo.Enabled = true, mapAfter: web => web.MapIntrospectionDubboMetadata()));

        Assert.Contains("already mapped", error.Message, StringComparison.Ordinal);
    }
}
