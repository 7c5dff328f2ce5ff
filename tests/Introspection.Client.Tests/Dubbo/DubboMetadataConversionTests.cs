using Introspection.Client.Internal;
using Introspection.Protocol.Registry.V1;
using Org.Apache.Dubbo.Metadata;

namespace Introspection.Client.Tests.Dubbo;

/// <summary>Dubbo's MetadataInfoV2 → our MetadataInfo, and when the labels say "Dubbo provider".</summary>
public sealed class DubboMetadataConversionTests
{
    private static readonly Instance s_instance = new() { App = "a", InstanceId = "i", Host = "127.0.0.1", Port = 5001, Revision = new string('a', 64) };

    [Fact]
    public void ToMetadataInfo_ProviderMapping_InvertedFieldByField()
    {
        var v2 = new MetadataInfoV2 { App = "a", Version = "whatever" };
        var own = new ServiceInfoV2 { Name = "greet.Greeter", Group = "g", Version = "1.0", Protocol = "tri", Port = 5001, Path = "greet.Greeter" };
        own.Params.Add(new Dictionary<string, string> { ["methods"] = "SayHello,SayHelloStream", ["timeout"] = "5s" });
        var other = new ServiceInfoV2 { Name = "greet.Farewell", Protocol = "grpc-web", Port = 7000, Path = "/api" };
        v2.Services["g/greet.Greeter:1.0:tri"] = own;
        v2.Services["greet.Farewell:grpc-web"] = other;

        var info = DubboMetadataConversion.ToMetadataInfo(v2, s_instance, s_instance.Revision);

        Assert.Equal("a", info.App);
        Assert.Equal(s_instance.Revision, info.Revision);
        var greeter = Assert.Single(info.Services, s => s.Name == "greet.Greeter");
        Assert.Equal(("g", "1.0", string.Empty, 0, string.Empty), (greeter.Group, greeter.Version, greeter.Protocol, greeter.Port, greeter.Path));
        Assert.Equal(["SayHello", "SayHelloStream"], greeter.Methods);
        Assert.Equal(["timeout"], greeter.Params.Keys);
        var farewell = Assert.Single(info.Services, s => s.Name == "greet.Farewell");
        Assert.Equal(("grpc-web", 7000, "/api"), (farewell.Protocol, farewell.Port, farewell.Path));
        Assert.Empty(farewell.Methods);
    }

    [Theory]
    [InlineData("2.0.0", "0123456789abcdef0123456789abcdef", true)]
    [InlineData("2.0.0", null, false)]
    [InlineData("1.0.0", "0123456789abcdef0123456789abcdef", false)]
    [InlineData(null, "0123456789abcdef0123456789abcdef", false)]
    public void LabelsSayDubbo_NeedsMetaV2AndAnotherRevision(string? metaV, string? dubboRevision, bool expected)
    {
        var instance = s_instance.Clone();
        if (metaV is not null)
        {
            instance.Labels["meta-v"] = metaV;
        }

        if (dubboRevision is not null)
        {
            instance.Labels["dubbo.metadata.revision"] = dubboRevision;
        }

        Assert.Equal(expected, DubboMetadataFetcher.LabelsSayDubbo(instance, instance.Revision));
    }

    [Fact]
    public void LabelsSayDubbo_OurProviderWithDubboLabels_IsNotDubbo()
    {
        // Our provider's dubbo.metadata.revision is its registered revision: it serves our MetadataService too.
        var instance = s_instance.Clone();
        instance.Labels["meta-v"] = "2.0.0";
        instance.Labels["dubbo.metadata.revision"] = instance.Revision;

        Assert.False(DubboMetadataFetcher.LabelsSayDubbo(instance, instance.Revision));
        Assert.Equal(instance.Revision, DubboMetadataFetcher.DubboRevision(instance, instance.Revision));
    }
}
