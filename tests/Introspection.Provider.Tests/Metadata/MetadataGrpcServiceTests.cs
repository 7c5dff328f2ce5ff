using System.Diagnostics.Metrics;
using Grpc.Core;
using Introspection.Provider.Internal;
using Introspection.Provider.Tests.Infrastructure;
using Introspection.Protocol;
using Introspection.Protocol.Metadata.V1;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Introspection.Provider.Tests.Metadata;

public sealed class MetadataGrpcServiceTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly TestOptionsMonitor<IntrospectionProviderOptions> _options = new(new IntrospectionProviderOptions { App = "greeter-app" });
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private ProviderMetadata? _metadata;

    [Fact]
    public async Task GetMetadataInfo_CurrentRevision_ReturnsMetadata()
    {
        var service = await CreateAsync();
        var current = _metadata!.Current;

        var info = await service.GetMetadataInfo(new GetMetadataInfoRequest { Revision = current.Revision }, new TestServerCallContext("/introspection.metadata.v1.MetadataService/GetMetadataInfo")).WaitAsync(TestTimeouts.Short);

        Assert.Equal("greeter-app", info.App);
        Assert.Equal(current.Revision, info.Revision);
        Assert.Equal(2, info.Services.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]
    public async Task GetMetadataInfo_EmptyOrMalformedRevision_InvalidArgument(string revision)
    {
        var service = await CreateAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => service.GetMetadataInfo(new GetMetadataInfoRequest { Revision = revision }, new TestServerCallContext("/introspection.metadata.v1.MetadataService/GetMetadataInfo"))).WaitAsync(TestTimeouts.Short);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }

    [Fact]
    public async Task GetMetadataInfo_UnknownWellFormedRevision_NotFound()
    {
        var service = await CreateAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => service.GetMetadataInfo(new GetMetadataInfoRequest { Revision = new string('0', MetadataRevision.HexLength) }, new TestServerCallContext("/introspection.metadata.v1.MetadataService/GetMetadataInfo"))).WaitAsync(TestTimeouts.Short);

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task GetMetadataInfo_AfterOptionsReload_ServesNewAndPreviousRevision()
    {
        var service = await CreateAsync();
        var before = _metadata!.Current;
        var changed = new TaskCompletionSource<MetadataInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        _metadata.Changed += info => changed.TrySetResult(info);

        var reloaded = new IntrospectionProviderOptions { App = "greeter-app" };
        reloaded.Services["greet.Greeter"] = new IntrospectionServiceOptions();
        reloaded.Services["greet.Greeter"].Params["timeout"] = "1s";
        _options.Set(reloaded);
        var after = await changed.Task.WaitAsync(TestTimeouts.Short);

        Assert.NotEqual(before.Revision, after.Revision);
        Assert.Equal(after.Revision, _metadata.Current.Revision);
        var old = await service.GetMetadataInfo(new GetMetadataInfoRequest { Revision = before.Revision }, new TestServerCallContext("/introspection.metadata.v1.MetadataService/GetMetadataInfo")).WaitAsync(TestTimeouts.Short);
        Assert.Equal("5s", old.Services.Single(s => s.Name == "greet.Greeter").Params["timeout"]);
        var fresh = await service.GetMetadataInfo(new GetMetadataInfoRequest { Revision = after.Revision }, new TestServerCallContext("/introspection.metadata.v1.MetadataService/GetMetadataInfo")).WaitAsync(TestTimeouts.Short);
        Assert.Equal("1s", fresh.Services.Single(s => s.Name == "greet.Greeter").Params["timeout"]);
    }

    [Fact]
    public async Task GetMetadataInfo_PreviousRevisionAfterRetention_NotFound()
    {
        var service = await CreateAsync();
        var before = _metadata!.Current;
        var reloaded = new IntrospectionProviderOptions { App = "greeter-app", RevisionRetention = TimeSpan.FromMinutes(10) };
        reloaded.Services["greet.Farewell"] = new IntrospectionServiceOptions { Version = "2" };
        _options.Set(reloaded);

        _time.Advance(TimeSpan.FromMinutes(11));

        var ex = await Assert.ThrowsAsync<RpcException>(() => service.GetMetadataInfo(new GetMetadataInfoRequest { Revision = before.Revision }, new TestServerCallContext("/introspection.metadata.v1.MetadataService/GetMetadataInfo"))).WaitAsync(TestTimeouts.Short);
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task Current_NoAppInOptions_UsesApplicationName()
    {
        _options.Set(new IntrospectionProviderOptions());
        await CreateAsync();

        Assert.Equal("env-app", _metadata!.Current.App);
    }

    public void Dispose()
    {
        _metadata?.Dispose();
        _services.Dispose();
    }

    private async Task<MetadataGrpcService> CreateAsync()
    {
        var endpoints = await MappedEndpoints.GreeterAndFarewellAsync().WaitAsync(TestTimeouts.Short);
        _metadata = new ProviderMetadata(new DefaultEndpointDataSource(endpoints), _options, new TestHostEnvironment(), _time, NullLogger<ProviderMetadata>.Instance);
        return new MetadataGrpcService(_metadata, new ProviderMetrics(_services.GetRequiredService<IMeterFactory>()));
    }
}
