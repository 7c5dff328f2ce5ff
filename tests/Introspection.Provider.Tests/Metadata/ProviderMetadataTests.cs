using Introspection.Provider.Internal;
using Introspection.Provider.Tests.Infrastructure;
using Introspection.Provider.Tests.TestServices;
using Introspection.Protocol.Metadata.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Introspection.Provider.Tests.Metadata;

public sealed class ProviderMetadataTests
{
    [Fact]
    public async Task Changed_ServiceMappedAtRunTime_RaisedWithNewRevisionListingIt()
    {
        var greeterOnly = await MappedEndpoints.BuildAsync(app => app.MapGrpcService<GreeterService>()).WaitAsync(TestTimeouts.Short);
        var both = await MappedEndpoints.GreeterAndFarewellAsync().WaitAsync(TestTimeouts.Short);
        var source = new MutableEndpointDataSource(greeterOnly);
        using var metadata = new ProviderMetadata(source, new TestOptionsMonitor<IntrospectionProviderOptions>(new IntrospectionProviderOptions { App = "app" }), new TestHostEnvironment(), new FakeTimeProvider(), NullLogger<ProviderMetadata>.Instance);
        var before = metadata.Current;
        var changed = new TaskCompletionSource<MetadataInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        metadata.Changed += info => changed.TrySetResult(info);

        source.Replace(both);
        var after = await changed.Task.WaitAsync(TestTimeouts.Short);

        Assert.Equal(["greet.Greeter"], before.Services.Select(s => s.Name));
        Assert.Equal(["greet.Farewell", "greet.Greeter"], after.Services.Select(s => s.Name));
        Assert.NotEqual(before.Revision, after.Revision);
        Assert.Same(before, metadata.Find(before.Revision));
    }

    [Fact]
    public async Task Refresh_NothingChanged_DoesNotRaiseChanged()
    {
        var endpoints = await MappedEndpoints.GreeterAndFarewellAsync().WaitAsync(TestTimeouts.Short);
        using var metadata = new ProviderMetadata(new MutableEndpointDataSource(endpoints), new TestOptionsMonitor<IntrospectionProviderOptions>(new IntrospectionProviderOptions { App = "app" }), new TestHostEnvironment(), new FakeTimeProvider(), NullLogger<ProviderMetadata>.Instance);
        var revision = metadata.Current.Revision;
        var raised = 0;
        metadata.Changed += _ => raised++;

        metadata.Refresh();

        Assert.Equal(0, raised);
        Assert.Equal(revision, metadata.Current.Revision);
        Assert.Empty(metadata.PreviousRevisions());
    }
}
