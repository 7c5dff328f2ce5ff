using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Builder;
using Introspection.Provider;
using System.Net;
using Introspection.Protocol;
using Introspection.ServiceDiscovery.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;

namespace Introspection.ServiceDiscovery.Tests.Http;

/// <summary>The ME.SD provider against a real registry and in-process HTTP-only providers.</summary>
public sealed class ServiceEndpointProviderTests
{
    [Fact]
    public async Task GetEndpoints_App_EndpointsCarryInstanceIdRevisionAndLabels()
    {
        await using var registry = await RegistryHost.StartAsync();
        await using var a = await HttpProviders.StartAsync(registry, "weather", "w-a", configure: o => o.Labels["zone"] = "z1");
        await using var b = await HttpProviders.StartAsync(registry, "weather", "w-b", configure: o => o.Labels["zone"] = "z2");
        await using var consumer = ConsumerHost.Create(registry);

        var endpoints = await consumer.EndpointsAsync();

        var features = endpoints.Select(e => e.Features.Get<IntrospectionInstanceFeature>()).ToList();
        Assert.All(features, Assert.NotNull);
        Assert.Equal(["w-a", "w-b"], features.Select(f => f!.InstanceId).Order(StringComparer.Ordinal));
        var registered = await registry.InstancesAsync("weather");
        Assert.All(features, f =>
        {
            Assert.Equal("weather", f!.App);
            Assert.Equal(registered.Single(i => i.InstanceId == f.InstanceId).Revision, f.Revision);
            Assert.NotEqual(MetadataRevision.Empty, f.Revision);
        });
        Assert.Equal("z1", features.Single(f => f!.InstanceId == "w-a")!.Labels["zone"]);
        Assert.Equal("z2", features.Single(f => f!.InstanceId == "w-b")!.Labels["zone"]);
        var uris = endpoints.Select(e => Assert.IsType<UriEndPoint>(e.EndPoint).Uri).ToList();
        Assert.Contains(uris, u => u.Port == a.Port && u.Scheme == "http" && u.Host == "127.0.0.1");
        Assert.Contains(uris, u => u.Port == b.Port && u.Scheme == "http");
    }

    [Fact]
    public async Task GetEndpoints_InstanceAddedAndStopped_ChangeTokensRefreshWithoutPolling()
    {
        await using var registry = await RegistryHost.StartAsync();
        await using var a = await HttpProviders.StartAsync(registry, "weather", "w-a");
        await using var consumer = ConsumerHost.Create(registry);
        Assert.Single(await consumer.EndpointsAsync());

        // ME.SD polls every 10 minutes here (ConsumerHost): only a fired change token can refresh it in seconds.
        var b = await HttpProviders.StartAsync(registry, "weather", "w-b");
        await Poll.UntilAsync(async () => (await consumer.EndpointsAsync()).Count == 2, TestTimeouts.Condition, "the new instance reached ME.SD");

        await b.StopAsync();
        await b.DisposeAsync();
        await Poll.UntilAsync(async () => (await consumer.EndpointsAsync()) is [var only] && only.Features.Get<IntrospectionInstanceFeature>()!.InstanceId == "w-a",
            TestTimeouts.Condition, "the stopped instance left ME.SD");
    }

    [Fact]
    public async Task GetEndpoints_NameTheRegistryDoesNotKnow_FallsThroughToPassThrough()
    {
        await using var registry = await RegistryHost.StartAsync();
        await using var a = await HttpProviders.StartAsync(registry, "weather", "w-a");
        await using var consumer = ConsumerHost.Create(registry);

        var unknown = await consumer.EndpointsAsync("http://not-an-app");
        var ip = await consumer.EndpointsAsync("http://127.0.0.1:9");

        var passThrough = Assert.Single(unknown);
        Assert.Null(passThrough.Features.Get<IntrospectionInstanceFeature>());
        Assert.Equal("not-an-app", Assert.IsType<DnsEndPoint>(passThrough.EndPoint).Host);
        Assert.Null(Assert.Single(ip).Features.Get<IntrospectionInstanceFeature>());
    }

    [Fact]
    public async Task GetEndpoints_UnknownNameThatRegistersLater_ReplacesPassThrough()
    {
        await using var registry = await RegistryHost.StartAsync();
        await using var consumer = ConsumerHost.Create(registry);
        Assert.Null(Assert.Single(await consumer.EndpointsAsync("http://late")).Features.Get<IntrospectionInstanceFeature>());

        await using var late = await HttpProviders.StartAsync(registry, "late", "late-1");

        await Poll.UntilAsync(async () => (await consumer.EndpointsAsync("http://late")) is [var only] && only.Features.Get<IntrospectionInstanceFeature>() is not null,
            TestTimeouts.Condition, "the app that appeared replaced the pass-through endpoint");
    }

    [Fact]
    public async Task GetEndpoints_HttpsSchemeLabel_BuildsHttpsEndpointsOnlyForQueriesThatAllowHttps()
    {
        await using var registry = await RegistryHost.StartAsync();
        // A provider really served over TLS (a CA made here): it registers scheme=https itself, and the consumer's
        // metadata fetch follows that label, trusting the CA.
        using var certificates = TestCertificates.CreateAuthority();
        using var certificate = certificates.IssueServer();
        await using var secure = await ProviderHost.StartAsync(
            "secure",
            o =>
            {
                o.Registries.Add(registry.Url);
                o.InstanceId = "s-1";
                o.DescribeHttpEndpoints = true;
            },
            services => services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(k => k.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2;
                listen.UseHttps(certificate);
            })),
            web =>
            {
                web.MapGet("/whoami", () => "s-1");
                web.MapIntrospectionMetadata();
            });
        await HttpProviders.WaitRegisteredAsync(registry, "secure", "s-1");
        await using var consumer = ConsumerHost.Create(registry, settings: new Dictionary<string, string?>
        {
            ["Introspection:Client:ProviderChannel:Tls:CertificateAuthorityPath"] = certificates.AuthorityPemPath,
        });

        var either = await consumer.EndpointsAsync("https+http://secure");
        var httpOnly = await consumer.EndpointsAsync("http://secure");

        var endpoint = Assert.Single(either);
        Assert.Equal(new Uri($"https://127.0.0.1:{secure.Port}"), Assert.IsType<UriEndPoint>(endpoint.EndPoint).Uri);
        // http:// asks for http only: the https instance is not an answer, so ME.SD falls through to pass-through.
        Assert.Null(Assert.Single(httpOnly).Features.Get<IntrospectionInstanceFeature>());
    }

    [Fact]
    public async Task GetEndpoints_AppsOption_LeavesOtherNamesToTheNextProvider()
    {
        await using var registry = await RegistryHost.StartAsync();
        await using var a = await HttpProviders.StartAsync(registry, "weather", "w-a");
        await using var consumer = ConsumerHost.Create(registry, services => services.AddIntrospectionServiceEndpointProvider(o => o.Apps.Add("orders")));

        var endpoint = Assert.Single(await consumer.EndpointsAsync());

        Assert.Null(endpoint.Features.Get<IntrospectionInstanceFeature>());
    }

    [Fact]
    public async Task AddProvider_BadAppsEntry_FailsNamingTheKey()
    {
        await using var registry = await RegistryHost.StartAsync();
        await using var consumer = ConsumerHost.Create(registry, services => services.AddIntrospectionServiceEndpointProvider(o => o.Apps.Add("not an app")));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => consumer.EndpointsAsync("http://weather"));

        Assert.Contains("Introspection:ServiceDiscovery:Apps", error.Message, StringComparison.Ordinal);
        Assert.Contains("'not an app'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetEndpoints_ConfiguredAddress_WinsOverTheRegistry()
    {
        await using var registry = await RegistryHost.StartAsync();
        await using var a = await HttpProviders.StartAsync(registry, "weather", "w-a");
        await using var consumer = ConsumerHost.Create(registry, settings: new Dictionary<string, string?> { ["Services:weather:http:0"] = "127.0.0.1:9" });

        var endpoint = Assert.Single(await consumer.EndpointsAsync());

        // ME.SD's configuration provider runs first ("IP direct" for HTTP); ours leaves an answered query alone.
        Assert.Null(endpoint.Features.Get<IntrospectionInstanceFeature>());
        Assert.Equal(9, Assert.IsType<IPEndPoint>(endpoint.EndPoint).Port);
    }
}
