using Introspection.Client.Tests.Infrastructure;
using Introspection.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Introspection.Client.Tests.Dubbo;

/// <summary>
/// Our client reading providers that serve only Dubbo 3.3's MetadataServiceV2, end to end: a real registry, real
/// providers on loopback, a consumer resolving and calling greet.Greeter.
/// </summary>
public sealed class DubboMetadataReadTests
{
    private const int ReadThroughDubboEventId = 220;
    private const int MetadataRejectedEventId = 202;

    [Fact]
    public async Task Resolve_ProviderServesOnlyMetadataServiceV2_FallsBackOnUnimplementedVerifiesAndCalls()
    {
        await using var registry = await RegistryHost.StartAsync();
        await using var provider = await ProviderHost.StartAsync("greeter", o => o.Registries.Add(registry.Url), services => services.AddSingleton(new DubboGreeterService("v2-only")), web =>
        {
            web.MapGrpcService<DubboGreeterService>();
            // No MapIntrospectionMetadata: our MetadataService answers UNIMPLEMENTED.
            web.MapIntrospectionDubboMetadata();
        });
        await WaitMappedAsync(registry);
        var logs = new FakeLoggerProvider();
        await using var consumer = await TestConsumer.StartAsync(registry.Url, services: s => s.AddLogging(b => b.AddProvider(logs).AddFilter("Introspection", LogLevel.Debug)));

        var endpoints = await consumer.Client.ResolveAsync("greet.Greeter").AsTask().WaitAsync(TestTimeouts.Call);
        var answeredBy = await consumer.CallAsync();

        var endpoint = Assert.Single(endpoints);
        Assert.Equal(provider.Port, endpoint.Port);
        Assert.Equal("v2-only", answeredBy);
        var line = Assert.Single(logs.Collector.GetSnapshot(), r => r.Id.Id == ReadThroughDubboEventId);
        Assert.Contains("unimplemented", line.Message, StringComparison.Ordinal);
        Assert.Contains(": ours;", line.Message, StringComparison.Ordinal);
        Assert.Contains(endpoint.Revision, line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_OurProviderWithDubboInteropAndLabels_ReadThroughOurMetadataService()
    {
        await using var registry = await RegistryHost.StartAsync();
        await using var provider = await ProviderHost.StartAsync("greeter", o =>
        {
            o.Registries.Add(registry.Url);
            o.Dubbo.Enabled = true;
            o.Dubbo.RegisterLabels = true;
        }, services => services.AddSingleton(new DubboGreeterService("both")), web =>
        {
            web.MapGrpcService<DubboGreeterService>();
            web.MapIntrospectionMetadata();
        });
        await WaitMappedAsync(registry);
        var logs = new FakeLoggerProvider();
        await using var consumer = await TestConsumer.StartAsync(registry.Url, services: s => s.AddLogging(b => b.AddProvider(logs).AddFilter("Introspection", LogLevel.Debug)));

        var endpoints = await consumer.Client.ResolveAsync("greet.Greeter").AsTask().WaitAsync(TestTimeouts.Call);

        Assert.Equal("2.0.0", Assert.Single(endpoints).Labels["meta-v"]);
        Assert.DoesNotContain(logs.Collector.GetSnapshot(), r => r.Id.Id == ReadThroughDubboEventId);
    }

    [Fact]
    public async Task Resolve_LabelsSayDubbo_AsksForDubboRevisionWithDubboHeadersAndVerifiesOurs()
    {
        await using var registry = await RegistryHost.StartAsync();
        await using var dubbo = await DubboStyleProvider.StartAsync();
        await dubbo.RegisterAsync(registry);
        var logs = new FakeLoggerProvider();
        await using var consumer = await TestConsumer.StartAsync(registry.Url, services: s => s.AddLogging(b => b.AddProvider(logs).AddFilter("Introspection", LogLevel.Debug)));

        var endpoints = await consumer.Client.ResolveAsync("greet.Greeter").AsTask().WaitAsync(TestTimeouts.Call);
        var answeredBy = await consumer.CallAsync();

        var endpoint = Assert.Single(endpoints);
        Assert.Equal(dubbo.Port, endpoint.Port);
        Assert.True(MetadataRevision.IsWellFormed(endpoint.Revision));
        Assert.Equal("dubbo-1", answeredBy);
        // Straight to V2 (labels), once, with the Dubbo revision and the headers a Dubbo consumer sends.
        var call = Assert.Single(dubbo.Calls.Snapshot());
        Assert.Equal((dubbo.DubboRevision, DubboStyleProvider.App, "2.0.0"), call);
        Assert.Matches("^[0-9a-f]{32}$", dubbo.DubboRevision);
        var line = Assert.Single(logs.Collector.GetSnapshot(), r => r.Id.Id == ReadThroughDubboEventId);
        Assert.Contains("labels", line.Message, StringComparison.Ordinal);
        Assert.Contains("dubbo-md5-match", line.Message, StringComparison.Ordinal);
    }

    /// <summary>The provider registers, then maps its services: resolving before the mapping finds no app.</summary>
    private static Task WaitMappedAsync(RegistryHost registry) => Poll.UntilAsync(async () =>
        (await registry.InstancesAsync("greeter")).Count == 1
        && (await registry.Client.LookupServiceAsync(new Protocol.Registry.V1.LookupServiceRequest { Service = "greet.Greeter" })).Apps.Contains("greeter"),
        "the provider is registered and greet.Greeter is mapped to it");

    [Fact]
    public async Task Resolve_DubboAnswerDoesNotHashToTheRegisteredRevision_RejectedNotCached()
    {
        await using var registry = await RegistryHost.StartAsync();
        await using var dubbo = await DubboStyleProvider.StartAsync(tamper: true);
        await dubbo.RegisterAsync(registry);
        var logs = new FakeLoggerProvider();
        await using var consumer = await TestConsumer.StartAsync(registry.Url, services: s => s.AddLogging(b => b.AddProvider(logs).AddFilter("Introspection", LogLevel.Debug)), configure: o =>
        {
            o.MetadataRetryInitialBackoff = TimeSpan.FromMilliseconds(50);
            o.MetadataRetryMaxBackoff = TimeSpan.FromMilliseconds(200);
        });

        var resolving = consumer.Client.ResolveAsync("greet.Greeter").AsTask();
        await Poll.UntilAsync(() => logs.Collector.GetSnapshot().Any(r => r.Id.Id == MetadataRejectedEventId), "the answer is rejected");

        Assert.False(resolving.IsCompletedSuccessfully, "a tampered answer must not resolve");
        Assert.Contains(logs.Collector.GetSnapshot(), r => r.Id.Id == MetadataRejectedEventId && r.Message.Contains("hashes to", StringComparison.Ordinal));
        await Assert.ThrowsAnyAsync<Exception>(() => resolving.WaitAsync(TestTimeouts.Long));
    }
}
