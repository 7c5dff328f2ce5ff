using Introspection.Registry.Stores.Memory;

namespace Introspection.Registry.Tests.Stores.Memory;

public sealed class PackedHostTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.255.3.40")]
    [InlineData("0.0.0.0")]
    [InlineData("1.20.100.9")]
    [InlineData("255.255.255.255")]
    public void From_CanonicalIpv4_PrintsBackTheSameLiteral(string host) =>
        Assert.Equal(host, PackedHost.From(host).ToString());

    [Theory]
    [InlineData("010.0.0.1")] // leading zero: parses, but prints differently
    [InlineData("1.2.3")] // parses as 1.2.0.3
    [InlineData("::1")]
    [InlineData("fe80::1%eth0")]
    [InlineData("provider-0.greeter.svc.cluster.local")]
    [InlineData("")]
    public void From_AnythingElse_KeepsTheStringAsGiven(string host) =>
        Assert.Equal(host, PackedHost.From(host).ToString());
}
