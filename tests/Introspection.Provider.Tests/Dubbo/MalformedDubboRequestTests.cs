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
    public async Task GetMetadataInfo_AfterMalformed_StillAnswers()
    {
        await _raw.CallAsync(GetMetadataInfoPath, RawGrpcClient.Frame(MalformedFrames.Payloads["zero tag"]));
        var revision = _provider.Get<IProviderMetadata>().Current.Revision;

        var result = await _raw.CallAsync(GetMetadataInfoPath, RawGrpcClient.Frame(Google.Protobuf.MessageExtensions.ToByteArray(new MetadataRequest { Revision = revision })));

        Assert.Equal(0, result.Status);
        Assert.Equal(revision, MetadataInfoV2.Parser.ParseFrom(Assert.Single(result.Messages)).Version);
    }
}
