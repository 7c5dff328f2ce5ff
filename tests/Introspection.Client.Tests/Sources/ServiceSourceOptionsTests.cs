using Introspection.Client.Internal;
using Introspection.Client.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Introspection.Client.Tests.Sources;

/// <summary>The configuration shape of per-service sources, its validation, static pins, and a group's derived options.</summary>
public sealed class ServiceSourceOptionsTests
{
    [Fact]
    public void Bind_DocumentedConfigurationShape_AllSourcesRead()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Introspection:Client:Registries:0"] = "http://registry:5300",
            ["Introspection:Client:RegistryGroups:core:Registries:0"] = "http://core-a:5300,http://core-b:5300",
            ["Introspection:Client:RegistryGroups:core:Namespace"] = "prod",
            ["Introspection:Client:ServiceSources:shop.Orders:Registry"] = "core",
            ["Introspection:Client:ServiceSources:greet.Greeter:Source"] = "dns",
            ["Introspection:Client:ServiceSources:greet.Greeter:Dns:Host"] = "greeter.prod.svc.cluster.local",
            ["Introspection:Client:ServiceSources:greet.Greeter:Dns:Port"] = "5001",
            ["Introspection:Client:ServiceSources:greet.Greeter:Dns:Nameservers:0"] = "10.96.0.10",
            ["Introspection:Client:ServiceSources:greet.Greeter:Dns:MaxRefreshInterval"] = "00:00:30",
            ["Introspection:Client:ServiceSources:debug.Probe:Source"] = "Static",
            ["Introspection:Client:ServiceSources:debug.Probe:Endpoints"] = "192.168.1.5:7000",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddIntrospectionClient();

        var options = services.BuildServiceProvider().GetRequiredService<IOptions<IntrospectionClientOptions>>().Value;

        Assert.Equal(["http://core-a:5300,http://core-b:5300"], options.RegistryGroups["core"].Registries);
        Assert.Equal("prod", options.RegistryGroups["core"].Namespace);
        Assert.Equal((ServiceSourceKind.Registry, "core"), (options.ServiceSources["shop.Orders"].Source, options.ServiceSources["shop.Orders"].Registry));
        var dns = options.ServiceSources["greet.Greeter"];
        Assert.Equal(ServiceSourceKind.Dns, dns.Source);
        Assert.Equal(("greeter.prod.svc.cluster.local", 5001, TimeSpan.FromSeconds(30)), (dns.Dns!.Host, dns.Dns.Port, dns.Dns.MaxRefreshInterval));
        Assert.Equal(["10.96.0.10"], dns.Dns.Nameservers);
        Assert.Equal((ServiceSourceKind.Static, "192.168.1.5:7000"), (options.ServiceSources["debug.Probe"].Source, options.ServiceSources["debug.Probe"].Endpoints));
    }

    [Fact]
    public void Validate_BadSources_EveryErrorNamesItsKey()
    {
        var options = new IntrospectionClientOptions();
        options.RegistryGroups["empty"] = new RegistryGroupOptions();
        options.ServiceSources["a.Unknown"] = new ServiceSourceOptions { Registry = "nope" };
        options.ServiceSources["a.Default"] = new ServiceSourceOptions();
        options.ServiceSources["a.NoDns"] = new ServiceSourceOptions { Source = ServiceSourceKind.Dns };
        options.ServiceSources["a.IpDns"] = new ServiceSourceOptions { Source = ServiceSourceKind.Dns, Dns = new DnsServiceOptions { Host = "10.0.0.1", Port = 0 } };
        var nameserver = new DnsServiceOptions { Host = "greeter", Port = 5001, Scheme = "ftp", MinRefreshInterval = TimeSpan.FromMinutes(5) };
        nameserver.Nameservers.Add("kube-dns");
        options.ServiceSources["a.BadDns"] = new ServiceSourceOptions { Source = ServiceSourceKind.Dns, Dns = nameserver };
        options.ServiceSources["a.Static"] = new ServiceSourceOptions { Source = ServiceSourceKind.Static, Endpoints = "nohost" };

        var errors = IntrospectionClientOptionsValidator.Check(options);

        Assert.Contains(errors, e => e.StartsWith("Introspection:Client:RegistryGroups:empty:Registries", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Introspection:Client:ServiceSources:a.Unknown:Registry: 'nope'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Introspection:Client:ServiceSources:a.Default: comes from the default registry", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Introspection:Client:ServiceSources:a.NoDns:Dns: required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Introspection:Client:ServiceSources:a.IpDns:Dns:Host: '10.0.0.1' is an IP address", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Introspection:Client:ServiceSources:a.IpDns:Dns:Port", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Introspection:Client:ServiceSources:a.BadDns:Dns:Scheme", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Introspection:Client:ServiceSources:a.BadDns:Dns:Nameservers", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Introspection:Client:ServiceSources:a.BadDns:Dns:MinRefreshInterval", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Introspection:Client:ServiceSources:a.Static:Endpoints", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_OnlyDnsSources_NoRegistryNeeded()
    {
        var options = new IntrospectionClientOptions();
        options.ServiceSources["greet.Greeter"] = new ServiceSourceOptions { Source = ServiceSourceKind.Dns, Dns = new DnsServiceOptions { Host = "greeter", Port = 5001 } };

        Assert.Empty(IntrospectionClientOptionsValidator.Check(options));
    }

    [Fact]
    public async Task Resolve_StaticSourceAndStaticEndpoints_BothPinAndStaticEndpointsWins()
    {
        var options = new IntrospectionClientOptions { EnableSnapshot = false };
        options.ServiceSources["debug.Probe"] = new ServiceSourceOptions { Source = ServiceSourceKind.Static, Endpoints = "192.168.1.5:7000, [::1]:7001" };
        options.ServiceSources["greet.Greeter"] = new ServiceSourceOptions { Source = ServiceSourceKind.Dns, Dns = new DnsServiceOptions { Host = "greeter.invalid", Port = 5001 } };
        options.StaticEndpoints["greet.Greeter"] = "10.1.1.1:5001";
        await using var client = new IntrospectionClient(Options.Create(options), NullLoggerFactory.Instance);

        var probe = await client.ResolveAsync("debug.Probe").AsTask().WaitAsync(TestTimeouts.Call);
        var greeter = await client.ResolveAsync("greet.Greeter").AsTask().WaitAsync(TestTimeouts.Call);

        Assert.Equal([("192.168.1.5", 7000), ("::1", 7001)], probe.Select(e => (e.Host, e.Port)));
        Assert.Equal([("10.1.1.1", 5001)], greeter.Select(e => (e.Host, e.Port)));
    }

    [Fact]
    public void GroupOptions_CopiesSettingsAndTakesTheGroupsRegistriesNamespaceAndOwnSnapshot()
    {
        var options = new IntrospectionClientOptions
        {
            Namespace = "prod",
            ResolveTimeout = TimeSpan.FromSeconds(3),
            ProviderChannel = new ProviderChannelOptions { Scheme = "https" },
            EmptyProtection = false,
            SnapshotPath = "/tmp/x/view.json",
        };
        options.Registries.Add("http://default:5300");
        options.StaticEndpoints["a.B"] = "1.2.3.4:5";
        var group = new RegistryGroupOptions();
        group.Registries.Add("http://core:5300");

        var copy = IntrospectionClient.GroupOptions(options, "core", group);

        Assert.Equal(["http://core:5300"], copy.Registries);
        Assert.Equal(("prod", TimeSpan.FromSeconds(3), "https", false), (copy.Namespace, copy.ResolveTimeout, copy.ProviderChannel.Scheme, copy.EmptyProtection));
        Assert.Equal(Path.Combine("/tmp/x", "view.core.json"), copy.SnapshotPath);
        Assert.Empty(copy.StaticEndpoints);
        Assert.Empty(copy.RegistryGroups);
        Assert.Empty(copy.ServiceSources);
        Assert.Same(options.RegistryChannel, copy.RegistryChannel);
    }

    [Fact]
    public void GroupOptions_GroupNamespace_Wins()
    {
        var group = new RegistryGroupOptions { Namespace = "core-ns" };
        group.Registries.Add("http://core:5300");

        Assert.Equal("core-ns", IntrospectionClient.GroupOptions(new IntrospectionClientOptions { Namespace = "prod" }, "core", group).Namespace);
    }
}
