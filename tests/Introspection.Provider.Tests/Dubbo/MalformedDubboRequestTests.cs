using Introspection.Provider.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Org.Apache.Dubbo.Metadata;

namespace Introspection.Provider.Tests.Dubbo;

/// <summary>Malformed MetadataServiceV2 requests, raw bytes sent by hand: a clear status (never UNKNOWN), and the service still answers.</summary>
public sealed class MalformedDubboRequestTests : IAsyncLifetime
{
    private const string GetMetadataInfoPath = "/org.apache.dubbo.metadata.MetadataServiceV2/GetMetadataInfo";

    private ProviderServer _provider = null!;
    private RawGrpcClient _raw = null!;

    public async Task InitializeAsync()
    {
        _provider = await ProviderServer.StartAsync(registry: null, o => o.Dubbo.Enabled = true);
        _raw = new RawGrpcClient(_provider.Address);
    }

    public async Task DisposeAsync()
    {
        _raw.Dispose();
        await _provider.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(MalformedFrames.Names), MemberType = typeof(MalformedFrames))]
    public async Task GetMetadataInfo_Malformed_ClearStatus(string name)
    {
        var (body, encoding, expected) = MalformedFrames.Case(name, new MetadataRequest { Revision = "0" });

        var result = await _raw.CallAsync(GetMetadataInfoPath, body, encoding);

        Assert.Equal((int)expected, result.Status);
        Assert.NotEqual((int)Grpc.Core.StatusCode.Unknown, result.Status);
        Assert.Empty(result.Messages);
        var records = _provider.LogCollector.GetSnapshot().Where(r => r.Level >= LogLevel.Warning).ToList();
        Assert.All(records, r => Assert.True(r.Exception is null, $"{r.Level} {r.Category} {r.Id}: {r.Message}"));
    }

    [Fact]
    public async Task GetMetadataInfo_AsAJavaConsumerSendsIt_GrpcPlusProtoWithTriHeaders_Answers()
    {
        // The request line by line as SOURCES.md records a Java 3.3 consumer's: POST, application/grpc+proto, tri-* headers.
        var revision = _provider.Get<IProviderMetadata>().Current.Revision;
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_provider.Address, GetMetadataInfoPath))
        {
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(RawGrpcClient.Frame(Google.Protobuf.MessageExtensions.ToByteArray(new MetadataRequest { Revision = revision }))),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc+proto");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        request.Headers.TryAddWithoutValidation("tri-service-version", "2.0.0");
        request.Headers.TryAddWithoutValidation("tri-service-group", ProviderServer.App);

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(TestTimeouts.Call);
        var body = await response.Content.ReadAsByteArrayAsync().WaitAsync(TestTimeouts.Call);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.Content.Headers.ContentType} {System.Text.Encoding.UTF8.GetString(body)}");
        var result = RawGrpcResult.From(response, body);

        Assert.Equal(0, result.Status);
        var info = MetadataInfoV2.Parser.ParseFrom(Assert.Single(result.Messages));
        Assert.Equal(revision, info.Version);
        Assert.Equal(ProviderServer.App, info.App);
    }

    [Fact]
    public async Task GetMetadataInfo_AfterMalformed_StillAnswers()
    {
        await _raw.CallAsync(GetMetadataInfoPath, RawGrpcClient.Frame(MalformedFrames.Payloads["zero tag"]));
        var revision = _provider.Get<IProviderMetadata>().Current.Revision;

        var result = await _raw.CallAsync(GetMetadataInfoPath, RawGrpcClient.Frame(Google.Protobuf.MessageExtensions.ToByteArray(new MetadataRequest { Revision = revision })));

        Assert.Equal(0, result.Status);
        Assert.Equal(revision, MetadataInfoV2.Parser.ParseFrom(Assert.Single(result.Messages)).Version);
    }
}
