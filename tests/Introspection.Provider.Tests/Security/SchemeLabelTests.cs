using Introspection.Protocol;
using Introspection.Protocol.Registry.V1;
using Introspection.Provider.Internal;
using Introspection.Provider.Tests.TestServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Introspection.Provider.Tests.Security;

/// <summary>The provider says how it is dialled: the <c>scheme</c> label follows the endpoint it registers.</summary>
public sealed class SchemeLabelTests
{
    [Theory]
    [InlineData(new[] { "https://127.0.0.1:5001" }, 5001, "https")]
    [InlineData(new[] { "http://127.0.0.1:5000", "https://127.0.0.1:5001" }, 5001, "https")]
    [InlineData(new[] { "https://127.0.0.1:5001", "http://127.0.0.1:5000" }, 5000, "http")]
    [InlineData(new[] { "https://[::]:5001" }, 443, "https")]
    [InlineData(new string[0], 5001, "http")]
    public void SchemeOf_ListenAddresses_SchemeOfTheRegisteredPort(string[] listen, int port, string expected)
    {
        Assert.Equal(expected, InstanceAddress.SchemeOf(listen, port));
    }

    [Fact]
    public void LabelsWithScheme_ExplicitLabel_Kept()
    {
        var configured = new Dictionary<string, string> { [WireContract.SchemeLabel] = WireContract.SchemeHttp, ["zone"] = "a" };

        // A TLS-terminating proxy in front of an h2c server: the operator knows better than the listen address.
        Assert.Equal(WireContract.SchemeHttp, InstanceAddress.LabelsWithScheme(configured, WireContract.SchemeHttps)[WireContract.SchemeLabel]);
        Assert.False(InstanceAddress.LabelsWithScheme(new Dictionary<string, string>(), WireContract.SchemeHttp).ContainsKey(WireContract.SchemeLabel));
    }

    [Fact]
    public async Task Register_ProviderServingTls_RegistersSchemeHttps()
    {
        using var authority = TestCertificates.CreateAuthority();
        using var certificate = authority.IssueServer();
        await using var registry = await RegistryHost.StartAsync();
        await using var provider = await ProviderHost.StartAsync(
            "greeter",
            o => o.Registries.Add(registry.Url),
            s => s.Configure<KestrelServerOptions>(k => k.Listen(System.Net.IPAddress.Loopback, 0, l =>
            {
                l.Protocols = HttpProtocols.Http2;
                l.UseHttps(certificate);
            })),
            web =>
            {
                web.MapGrpcService<GreeterService>();
                web.MapIntrospectionMetadata();
            });

        Instance? registered = null;
        await Poll.UntilAsync(async () => (registered = (await registry.InstancesAsync("greeter")).SingleOrDefault()) is not null, "the provider registers");

        Assert.Equal(provider.Port, registered!.Port);
        Assert.Equal(WireContract.SchemeHttps, registered.Labels[WireContract.SchemeLabel]);
    }
}
