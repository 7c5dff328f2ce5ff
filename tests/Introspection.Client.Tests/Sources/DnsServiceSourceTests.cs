using System.Net;
using System.Net.Sockets;
using Introspection.Client.Sources;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Introspection.Client.Tests.Sources;

/// <summary>The DNS source against a real DNS server on loopback: answers, TTL clamping, and what a failed lookup keeps.</summary>
public sealed class DnsServiceSourceTests : IAsyncLifetime
{
    private const string Name = "greeter.prod.svc.cluster.local";
    private LoopbackDnsServer _dns = null!;
    private int _changes;

    public Task InitializeAsync()
    {
        _dns = LoopbackDnsServer.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _dns.DisposeAsync();

    [Fact]
    public async Task RefreshOnce_ARecordsAndAaaaRecords_EndpointsOnConfiguredPortAndTtlAsDelay()
    {
        _dns.Set(Name, 7, IPAddress.Parse("10.0.0.2"), IPAddress.Parse("10.0.0.1"), IPAddress.IPv6Loopback);
        var source = Create(o => o.Scheme = "https");

        var delay = await source.RefreshOnceAsync(CancellationToken.None).WaitAsync(TestTimeouts.Call);

        Assert.Equal(TimeSpan.FromSeconds(7), delay);
        var answer = Assert.IsType<ExternalAnswer>(source.Endpoints.Current);
        Assert.Null(answer.Failure);
        Assert.Equal([("10.0.0.1", 5001), ("10.0.0.2", 5001), ("::1", 5001)], answer.Endpoints.Select(e => (e.Host, e.Port)));
        Assert.All(answer.Endpoints, e => Assert.Equal("https", e.Labels["scheme"]));
        Assert.Equal(1, _changes);
        Assert.True(_dns.Queries >= 2, "one A and one AAAA query");
        Assert.Equal(0, _dns.Malformed);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(86400, 60)]
    public async Task RefreshOnce_TtlOutsideFloorAndCeiling_Clamped(int ttl, int expectedSeconds)
    {
        _dns.Set(Name, ttl, IPAddress.Parse("10.0.0.1"));
        var source = Create();

        var delay = await source.RefreshOnceAsync(CancellationToken.None).WaitAsync(TestTimeouts.Call);

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), delay);
    }

    [Fact]
    public async Task RefreshOnce_ServerStopsAnswering_KeepsLastGoodAndBacksOff()
    {
        _dns.Set(Name, 5, IPAddress.Parse("10.0.0.1"));
        var source = Create(o => o.Timeout = TimeSpan.FromMilliseconds(300));
        await source.RefreshOnceAsync(CancellationToken.None).WaitAsync(TestTimeouts.Call);
        _dns.Answering = false;

        var first = await source.RefreshOnceAsync(CancellationToken.None).WaitAsync(TestTimeouts.Call);
        var second = await source.RefreshOnceAsync(CancellationToken.None).WaitAsync(TestTimeouts.Call);

        var answer = source.Endpoints.Current!;
        Assert.Equal(["10.0.0.1"], answer.Endpoints.Select(e => e.Host));
        Assert.NotNull(answer.Failure);
        Assert.Equal(TimeSpan.FromSeconds(1), first);
        Assert.Equal(TimeSpan.FromSeconds(2), second);
    }

    [Fact]
    public async Task RefreshOnce_ServerFailure_KeepsLastGood()
    {
        _dns.Set(Name, 5, IPAddress.Parse("10.0.0.1"));
        var source = Create();
        await source.RefreshOnceAsync(CancellationToken.None).WaitAsync(TestTimeouts.Call);
        _dns.ServerFailure = true;

        await source.RefreshOnceAsync(CancellationToken.None).WaitAsync(TestTimeouts.Call);

        var answer = source.Endpoints.Current!;
        Assert.Equal(["10.0.0.1"], answer.Endpoints.Select(e => e.Host));
        Assert.NotNull(answer.Failure);
    }

    [Fact]
    public async Task RefreshOnce_FirstLookupFails_NoEndpointsAndTheFailure()
    {
        _dns.ServerFailure = true;
        var source = Create();

        await source.RefreshOnceAsync(CancellationToken.None).WaitAsync(TestTimeouts.Call);

        var answer = source.Endpoints.Current!;
        Assert.Empty(answer.Endpoints);
        Assert.NotNull(answer.Failure);
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 0)]
    public async Task RefreshOnce_NameRemoved_EmptyProtectionDecides(bool emptyProtection, int expected)
    {
        _dns.Set(Name, 5, IPAddress.Parse("10.0.0.1"));
        var source = Create(emptyProtection: emptyProtection);
        await source.RefreshOnceAsync(CancellationToken.None).WaitAsync(TestTimeouts.Call);
        _dns.Remove(Name);

        await source.RefreshOnceAsync(CancellationToken.None).WaitAsync(TestTimeouts.Call);

        Assert.Equal(expected, source.Endpoints.Current!.Endpoints.Count);
        Assert.Null(source.Endpoints.Current.Failure);
    }

    [Fact]
    public async Task RefreshOnce_RecordsChange_NewAddressesAndOneChangePerChange()
    {
        _dns.Set(Name, 5, IPAddress.Parse("10.0.0.1"));
        var source = Create();
        await source.RefreshOnceAsync(CancellationToken.None).WaitAsync(TestTimeouts.Call);
        await source.RefreshOnceAsync(CancellationToken.None).WaitAsync(TestTimeouts.Call);
        _dns.Set(Name, 5, IPAddress.Parse("10.0.0.9"));

        await source.RefreshOnceAsync(CancellationToken.None).WaitAsync(TestTimeouts.Call);

        Assert.Equal(["10.0.0.9"], source.Endpoints.Current!.Endpoints.Select(e => e.Host));
        Assert.Equal(2, _changes);
    }

    [Fact]
    public async Task Run_RecordTtl_NextLookupOnlyWhenTheTtlHasPassedOnTheClock()
    {
        _dns.Set(Name, 10, IPAddress.Parse("10.0.0.1"));
        var time = new FakeTimeProvider();
        var options = new DnsServiceOptions { Host = Name, Port = 5001 };
        options.Nameservers.Add(_dns.Nameserver);
        await using var source = new DnsServiceSource("greet.Greeter", options, DnsServiceSource.CreateLookup(options), true, time, NullLogger.Instance, () => Interlocked.Increment(ref _changes));
        source.Start();
        await Poll.UntilAsync(() => source.Endpoints.Current is not null && _dns.Queries == 2, "the first lookup (A + AAAA)");
        _dns.Set(Name, 10, IPAddress.Parse("10.0.0.2"));

        time.Advance(TimeSpan.FromSeconds(9));
        await Task.Delay(300);
        Assert.Equal(2, _dns.Queries);
        Assert.Equal("10.0.0.1", Assert.Single(source.Endpoints.Current!.Endpoints).Host);

        time.Advance(TimeSpan.FromSeconds(1));
        await Poll.UntilAsync(() => source.Endpoints.Current!.Endpoints.Single().Host == "10.0.0.2", "the TTL passed: looked up again");
        Assert.Equal(4, _dns.Queries);
    }

    [Fact]
    public async Task SystemResolver_Localhost_LoopbackAndNoTtl()
    {
        var answer = await SystemDnsLookup.Instance.LookupAsync("localhost", CancellationToken.None).WaitAsync(TestTimeouts.Call);

        Assert.Null(answer.Ttl);
        Assert.Contains(answer.Addresses, IPAddress.IsLoopback);
    }

    [Fact]
    public async Task SystemResolver_NoNameserversConfigured_IsTheDefault()
    {
        Assert.Same(SystemDnsLookup.Instance, DnsServiceSource.CreateLookup(new DnsServiceOptions { Host = "localhost", Port = 1 }));
        var source = new DnsServiceSource("greet.Greeter", new DnsServiceOptions { Host = "localhost", Port = 5001, RefreshInterval = TimeSpan.FromSeconds(9) }, SystemDnsLookup.Instance, true, TimeProvider.System, NullLogger.Instance, () => { });

        var delay = await source.RefreshOnceAsync(CancellationToken.None).WaitAsync(TestTimeouts.Call);

        Assert.Equal(TimeSpan.FromSeconds(9), delay);
        Assert.Contains(source.Endpoints.Current!.Endpoints, e => IPAddress.IsLoopback(IPAddress.Parse(e.Host)));
    }

    [Theory]
    [InlineData("10.96.0.10", "10.96.0.10:53")]
    [InlineData("127.0.0.1:5353", "127.0.0.1:5353")]
    [InlineData("[::1]:5353", "[::1]:5353")]
    public void ParseNameserver_Forms_EndPoint(string value, string expected) =>
        Assert.Equal(expected, DnsServiceSource.ParseNameserver(value).ToString());

    [Fact]
    public void ParseNameserver_Name_Throws() =>
        Assert.Throws<FormatException>(() => DnsServiceSource.ParseNameserver("kube-dns"));

    [Fact]
    public async Task LoopbackDnsServer_Garbage_CountedAsMalformedAndStillServes()
    {
        using (var udp = new UdpClient(AddressFamily.InterNetwork))
        {
            await udp.SendAsync(new byte[] { 1, 2, 3 }, _dns.EndPoint);
            await udp.SendAsync(new byte[] { 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 0x0C, 0, 1, 0, 1 }, _dns.EndPoint); // a pointer to itself
        }

        await Poll.UntilAsync(() => _dns.Malformed == 2, "both datagrams are rejected");
        _dns.Set(Name, 5, IPAddress.Parse("10.0.0.1"));
        var source = Create();
        await source.RefreshOnceAsync(CancellationToken.None).WaitAsync(TestTimeouts.Call);
        Assert.Single(source.Endpoints.Current!.Endpoints);
    }

    private DnsServiceSource Create(Action<DnsServiceOptions>? configure = null, bool emptyProtection = true)
    {
        var options = new DnsServiceOptions { Host = Name, Port = 5001 };
        options.Nameservers.Add(_dns.Nameserver);
        configure?.Invoke(options);
        return new DnsServiceSource("greet.Greeter", options, DnsServiceSource.CreateLookup(options), emptyProtection, TimeProvider.System, NullLogger.Instance, () => Interlocked.Increment(ref _changes));
    }
}
