using Introspection.Client.Internal;
using Org.Apache.Dubbo.Metadata;

namespace Introspection.Client.Tests.Dubbo;

/// <summary>Dubbo Java's MD5 revision, informational in the client: it must agree with the published vectors.</summary>
public sealed class DubboJavaRevisionTests
{
    // Vector dubbo-java-one-service of protocol/revision-vectors.json (the Python reference, from Dubbo's source).
    private const string Md5OfOneService = "64878254aa5c36a7b328ea4886669789";

    private static MetadataInfoV2 OneService()
    {
        var info = new MetadataInfoV2 { App = "dubbo-greeter", Version = Md5OfOneService };
        var greeter = new ServiceInfoV2 { Name = "greet.Greeter", Version = "1.0", Protocol = "tri", Port = 20880, Path = "greet.Greeter" };
        greeter.Params.Add(new Dictionary<string, string> { ["timeout"] = "3000", ["methods"] = "SayHello", ["side"] = "provider" });
        info.Services["greet.Greeter:1.0:tri"] = greeter;
        return info;
    }

    [Fact]
    public void Compute_VectorDubboJavaOneService_MatchesPublishedMd5() =>
        Assert.Equal(Md5OfOneService, DubboJavaRevision.Compute(OneService()));

    [Fact]
    public void Compute_NoServices_IsZero() => Assert.Equal("0", DubboJavaRevision.Compute(new MetadataInfoV2 { App = "x" }));

    [Fact]
    public void DubboRevisionCheck_ContentChanged_Mismatch()
    {
        var info = OneService();
        info.Services["greet.Greeter:1.0:tri"].Params["timeout"] = "1000";

        Assert.Equal("dubbo-md5-mismatch", DubboMetadataFetcher.DubboRevisionCheck(info, Md5OfOneService));
        Assert.Equal("dubbo-md5-match", DubboMetadataFetcher.DubboRevisionCheck(OneService(), Md5OfOneService));
        Assert.Equal("ours", DubboMetadataFetcher.DubboRevisionCheck(info, new string('a', 64)));
    }
}
