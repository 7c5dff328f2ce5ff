using Introspection.Bench.Etcd;

namespace Introspection.Bench.Tests.Etcd;

/// <summary>The Dubbo 2 key layout the full-etcd model writes and the prefix ranges its consumers watch.</summary>
public sealed class DubboEtcdKeysTests
{
    [Fact]
    public void ProviderKey_IsTheUrlEncodedProviderUrlUnderTheServicePrefix()
    {
        var url = DubboEtcdKeys.ProviderUrl("com.example.Svc", "127.0.0.2", 20001, new Dictionary<string, string> { ["timeout"] = "3000", ["application"] = "app000" });

        // Parameters sorted by name, as Dubbo 2 writes them.
        Assert.Equal("grpc://127.0.0.2:20001/com.example.Svc?application=app000&timeout=3000", url);
        Assert.Equal("/dubbo/com.example.Svc/providers/grpc%3A%2F%2F127.0.0.2%3A20001%2Fcom.example.Svc%3Fapplication%3Dapp000%26timeout%3D3000",
            DubboEtcdKeys.ProviderKey("com.example.Svc", url));
        Assert.Equal("com.example.Svc", DubboEtcdKeys.ServiceOf(DubboEtcdKeys.ProviderKey("com.example.Svc", url)));
    }

    [Fact]
    public void RangeEnd_IsThePrefixWithItsLastByteIncremented()
    {
        Assert.Equal("/dubbo/a/providers0", DubboEtcdKeys.RangeEnd("/dubbo/a/providers/").ToStringUtf8());
        Assert.Equal("b", DubboEtcdKeys.RangeEnd("a").ToStringUtf8());
    }
}
