using System.Net;
using Grpc.Core;

namespace Introspection.Client.Tests.Sources;

/// <summary>
/// DNS-sourced services end to end: a real DNS server on loopback, real providers (ProviderHost) and a consumer host
/// calling them through <c>introspect:///</c> gRPC clients.
/// </summary>
public sealed class DnsSourceFunctionalTests : IAsyncLifetime
{
    private const string Name = "greeter.prod.svc.cluster.local";
    private readonly List<IAsyncDisposable> _owned = [];
    private LoopbackDnsServer _dns = null!;

    public Task InitializeAsync()
    {
        _dns = LoopbackDnsServer.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        await _dns.DisposeAsync();
    }

    [Fact]
    public async Task Call_DnsService_ReachesTheProviderTheRecordNames()
    {
        var provider = Own(await SourceTestProvider.StartAsync("greeter", "dns-1"));
        _dns.Set(Name, 30, IPAddress.Loopback);
        var consumer = Own(await SourceTestConsumer.StartAsync(o => o.ServiceSources["greet.Greeter"] = DnsSource(provider.Port)));

        Assert.Equal("dns-1", await consumer.GreetAsync());
        var endpoints = await consumer.Client.ResolveAsync("greet.Greeter").AsTask().WaitAsync(TestTimeouts.Call);
        var endpoint = Assert.Single(endpoints);
        Assert.Equal(("127.0.0.1", provider.Port, "", ""), (endpoint.Host, endpoint.Port, endpoint.App, endpoint.InstanceId));
    }

    [Fact]
    public async Task Call_RecordChanges_ConsumerFollowsAfterRefresh()
    {
        var v4 = Own(await SourceTestProvider.StartAsync("greeter", "on-v4"));
        // The same port on the other loopback address: DNS records carry addresses only, the port is the source's.
        var v6 = Own(await SourceTestProvider.StartAsync("greeter", "on-v6", listen: new IPEndPoint(IPAddress.IPv6Loopback, v4.Port)));
        _dns.Set(Name, 1, IPAddress.Loopback);
        var consumer = Own(await SourceTestConsumer.StartAsync(o => o.ServiceSources["greet.Greeter"] = DnsSource(v4.Port)));
        Assert.Equal("on-v4", await consumer.GreetAsync());

        _dns.Set(Name, 1, IPAddress.IPv6Loopback);

        await Poll.UntilAsync(async () => await consumer.GreetAsync() == "on-v6", "calls follow the changed record to ::1");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("on-v6", await consumer.GreetAsync());
        }
    }

    [Fact]
    public async Task Call_DnsServerStopsAnswering_LastGoodAddressesKept()
    {
        var provider = Own(await SourceTestProvider.StartAsync("greeter", "kept"));
        _dns.Set(Name, 1, IPAddress.Loopback);
        var consumer = Own(await SourceTestConsumer.StartAsync(o => o.ServiceSources["greet.Greeter"] = DnsSource(provider.Port)));
        Assert.Equal("kept", await consumer.GreetAsync());

        _dns.Answering = false;
        var asked = _dns.Queries;
        // Lookups go on (and time out) while the server is silent: at least two more rounds of A + AAAA.
        await Poll.UntilAsync(() => _dns.Queries >= asked + 4, "the consumer keeps asking the silent server");

        Assert.Equal("kept", await consumer.GreetAsync());
        var endpoint = Assert.Single(await consumer.Client.ResolveAsync("greet.Greeter").AsTask().WaitAsync(TestTimeouts.Call));
        Assert.Equal("127.0.0.1", endpoint.Host);
    }

    [Fact]
    public async Task Call_DnsServiceBesideRegistryService_EachFromItsSource()
    {
        await using var registry = await RegistryHost.StartAsync();
        var dnsProvider = Own(await SourceTestProvider.StartAsync("greeter", "from-dns"));
        var registered = Own(await SourceTestProvider.StartAsync("farewell", "from-registry", [registry.Url]));
        _dns.Set(Name, 30, IPAddress.Loopback);
        await Poll.UntilAsync(async () => (await registry.InstancesAsync("farewell")).Count == 1, "the farewell provider is registered");
        var consumer = Own(await SourceTestConsumer.StartAsync(o =>
        {
            o.Registries.Add(registry.Url);
            o.ServiceSources["greet.Greeter"] = DnsSource(dnsProvider.Port);
        }));

        // Both providers serve both services: who answers shows which source each service was taken from.
        Assert.Equal("from-dns", await consumer.GreetAsync());
        Assert.Equal("from-registry", await consumer.FarewellAsync());
        var farewell = Assert.Single(await consumer.Client.ResolveAsync("greet.Farewell").AsTask().WaitAsync(TestTimeouts.Call));
        Assert.Equal(("farewell", "from-registry", registered.Port), (farewell.App, farewell.InstanceId, farewell.Port));
        Assert.Equal("from-dns", await consumer.GreetAsync());
    }

    [Fact]
    public async Task Resolve_DnsServiceWithVersionFilter_RefusedNotRoutedBlindly()
    {
        var provider = Own(await SourceTestProvider.StartAsync("greeter", "dns-1"));
        _dns.Set(Name, 30, IPAddress.Loopback);
        var consumer = Own(await SourceTestConsumer.StartAsync(o => o.ServiceSources["greet.Greeter"] = DnsSource(provider.Port)));

        var ex = await Assert.ThrowsAsync<RpcException>(() => consumer.Client.ResolveAsync(ServiceTarget.Parse("greet.Greeter?version=2")).AsTask().WaitAsync(TestTimeouts.Call));

        Assert.Equal(IntrospectionErrorKind.ServiceNotDiscovered, IntrospectionErrors.GetKind(ex));
        Assert.Contains("no metadata", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Single(await consumer.Client.ResolveAsync("greet.Greeter").AsTask().WaitAsync(TestTimeouts.Call));
    }

    [Fact]
    public async Task Resolve_NameDoesNotExist_ServiceNotDiscoveredNamingTheDnsName()
    {
        var consumer = Own(await SourceTestConsumer.StartAsync(o => o.ServiceSources["greet.Greeter"] = DnsSource(5001)));

        var ex = await Assert.ThrowsAsync<RpcException>(() => consumer.Client.ResolveAsync("greet.Greeter").AsTask().WaitAsync(TestTimeouts.Call));

        Assert.Equal(IntrospectionErrorKind.ServiceNotDiscovered, IntrospectionErrors.GetKind(ex));
        Assert.Contains(Name, ex.Status.Detail, StringComparison.Ordinal);
    }

    private ServiceSourceOptions DnsSource(int port)
    {
        var dns = new DnsServiceOptions
        {
            Host = Name,
            Port = port,
            MinRefreshInterval = TimeSpan.FromMilliseconds(200),
            MaxRefreshInterval = TimeSpan.FromSeconds(2),
            Timeout = TimeSpan.FromMilliseconds(300),
        };
        dns.Nameservers.Add(_dns.Nameserver);
        return new ServiceSourceOptions { Source = ServiceSourceKind.Dns, Dns = dns };
    }

    private T Own<T>(T disposable) where T : IAsyncDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }
}
