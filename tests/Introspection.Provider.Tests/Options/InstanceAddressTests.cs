using System.Net;
using Introspection.Provider.Internal;

namespace Introspection.Provider.Tests.Options;

public sealed class InstanceAddressTests
{
    private static readonly IPAddress s_machine = IPAddress.Parse("10.1.2.3");

    [Theory]
    [InlineData("http://127.0.0.1:5001", "127.0.0.1", 5001)]
    [InlineData("http://localhost:5001", "127.0.0.1", 5001)]
    [InlineData("http://[::]:5001", "10.1.2.3", 5001)]
    [InlineData("http://0.0.0.0:5001", "10.1.2.3", 5001)]
    [InlineData("http://+:5001", "10.1.2.3", 5001)]
    [InlineData("http://192.168.7.8:5001/base", "192.168.7.8", 5001)]
    [InlineData("https://[fd00::5]:443", "fd00::5", 443)]
    public void Resolve_FromListenAddress_RegistersReachableHostAndPort(string listen, string host, int port)
    {
        var resolved = InstanceAddress.Resolve(new IntrospectionProviderOptions(), [listen], () => s_machine);

        Assert.Equal((host, port), resolved);
    }

    [Fact]
    public void Resolve_WildcardAndNoOtherAddress_FallsBackToLoopback()
    {
        Assert.Equal(("127.0.0.1", 80), InstanceAddress.Resolve(new IntrospectionProviderOptions(), ["http://0.0.0.0:80"], () => null));
    }

    [Fact]
    public void Resolve_HostAndPortConfigured_WinOverListenAddress()
    {
        var options = new IntrospectionProviderOptions { Host = "pod-1.greeter.svc", Port = 8443 };

        Assert.Equal(("pod-1.greeter.svc", 8443), InstanceAddress.Resolve(options, ["http://0.0.0.0:80"], () => s_machine));
    }

    [Fact]
    public void Resolve_NoListenAddressNorPort_ThrowsNamingTheOption()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => InstanceAddress.Resolve(new IntrospectionProviderOptions(), [], () => s_machine));

        Assert.Contains("Introspection:Provider:Port", ex.Message);
    }
}
