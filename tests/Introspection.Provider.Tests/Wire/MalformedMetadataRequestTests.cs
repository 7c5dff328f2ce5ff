using Introspection.Protocol.Metadata.V1;
using Introspection.Provider;
using Introspection.Provider.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Introspection.Provider.Tests.Wire;

/// <summary>Malformed GetMetadataInfo requests, sent by hand: a clear status (never UNKNOWN) and a bounded log.</summary>
public sealed class MalformedMetadataRequestTests : IAsyncLifetime
{
    private const string GetMetadataInfoPath = "/introspection.metadata.v1.MetadataService/GetMetadataInfo";

    private ProviderServer _provider = null!;
    private RawGrpcClient _raw = null!;

    public async Task InitializeAsync()
    {
        _provider = await ProviderServer.StartAsync(registry: null);
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
        var (body, encoding, expected) = MalformedFrames.Case(name, new GetMetadataInfoRequest { Revision = "0" });

        var result = await _raw.CallAsync(GetMetadataInfoPath, body, encoding);

        Assert.Equal((int)expected, result.Status);
        Assert.DoesNotContain("Exception was thrown by handler", result.Message ?? string.Empty, StringComparison.Ordinal);
        Assert.Empty(result.Messages);
        // grpc-dotnet's own Information line (ErrorReadingMessage, with the exception) is the app's logging
        // configuration to silence (README); nothing at Warning or above carries an exception or is an error.
        var records = _provider.LogCollector.GetSnapshot().Where(r => r.Level >= LogLevel.Warning).ToList();
        Assert.All(records, r => Assert.True(r.Exception is null, $"{r.Level} {r.Category} {r.Id}: {r.Message}"));
        Assert.All(records, r => Assert.True(r.Level < LogLevel.Error, $"{r.Level} {r.Category}: {r.Message}"));
    }

    [Fact]
    public async Task GetMetadataInfo_200MalformedRequests_OneLogLineNoStackTrace()
    {
        foreach (var name in MalformedFrames.AllNames)
        {
            var (body, encoding, _) = MalformedFrames.Case(name, new GetMetadataInfoRequest { Revision = "0" });
            for (var i = 0; i < 25; i++)
            {
                await _raw.CallAsync(GetMetadataInfoPath, body, encoding);
            }
        }

        var records = _provider.LogCollector.GetSnapshot().Where(r => r.Level >= LogLevel.Warning).ToList();
        Assert.All(records, r => Assert.Null(r.Exception));
        var line = Assert.Single(records, r => r.Id.Id == 120);
        Assert.Contains(GetMetadataInfoPath, line.Message, StringComparison.Ordinal);
        Assert.InRange(records.Count, 1, 3);
    }

    [Fact]
    public async Task GetMetadataInfo_AfterMalformed_StillAnswers()
    {
        await _raw.CallAsync(GetMetadataInfoPath, RawGrpcClient.Frame(MalformedFrames.Payloads["zero tag"]));

        var revision = _provider.Get<IProviderMetadata>().Current.Revision;

        var info = await _provider.Metadata.GetMetadataInfoAsync(new GetMetadataInfoRequest { Revision = revision }).ResponseAsync.WaitAsync(TestTimeouts.Call);

        Assert.Equal(revision, info.Revision);
    }
}
