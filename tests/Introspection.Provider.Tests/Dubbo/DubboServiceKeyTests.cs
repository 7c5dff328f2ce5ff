using Introspection.Provider.Dubbo;

namespace Introspection.Provider.Tests.Dubbo;

/// <summary>Dubbo's service and match keys, as URL.buildKey and ServiceInfo.getMatchKey write them.</summary>
public sealed class DubboServiceKeyTests
{
    [Theory]
    [InlineData("greet.Greeter", "", "", "tri", "greet.Greeter:tri")]
    [InlineData("greet.Greeter", "canary", "", "tri", "canary/greet.Greeter:tri")]
    [InlineData("greet.Greeter", "", "2.0", "tri", "greet.Greeter:2.0:tri")]
    [InlineData("greet.Greeter", "canary", "2.0", "tri", "canary/greet.Greeter:2.0:tri")]
    [InlineData("greet.Greeter", "canary", "2.0", "", "canary/greet.Greeter:2.0")]
    public void MatchKey_AbsentPartsLeftOut(string name, string group, string version, string protocol, string expected) =>
        Assert.Equal(expected, DubboServiceKey.MatchKey(name, group, version, protocol));
}
