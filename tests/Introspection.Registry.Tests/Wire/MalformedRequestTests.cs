using Google.Protobuf;
using Grpc.Core;
using Introspection.Protocol.Registry.V1;
using Microsoft.Extensions.Logging;

namespace Introspection.Registry.Tests.Wire;

/// <summary>
/// Malformed gRPC frames and protobuf payloads, sent by hand: each answers a clear status (never UNKNOWN),
/// changes nothing, and a flood of them writes a few log lines without a stack trace.
/// </summary>
public sealed class MalformedRequestTests : IAsyncLifetime
{
    private const string RegisterPath = "/introspection.registry.v1.Registry/Register";
    private const string WatchPath = "/introspection.registry.v1.Registry/Watch";
    private const string KeepAlivePath = "/introspection.registry.v1.Registry/KeepAlive";

    private RegistryHost _registry = null!;
    private RawGrpcClient _raw = null!;

    public async Task InitializeAsync()
    {
        _registry = await RegistryHost.StartAsync();
        _raw = new RawGrpcClient(_registry.Address);
    }

    public async Task DisposeAsync()
    {
        _raw.Dispose();
        await _registry.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(MalformedFrames.Names), MemberType = typeof(MalformedFrames))]
    public async Task Register_Malformed_ClearStatusAndNothingStored(string name)
    {
        var (body, encoding, expected) = MalformedFrames.Case(name, ValidRegister());

        var result = await _raw.CallAsync(RegisterPath, body, encoding);

        Assert.Equal((int)expected, result.Status);
        Assert.NotNull(result.Message);
        Assert.DoesNotContain("Exception was thrown by handler", result.Message, StringComparison.Ordinal);
        var apps = await _registry.Client.ListAppsAsync(new ListAppsRequest()).ResponseAsync.WaitAsync(TestTimeouts.Call);
        Assert.Empty(apps.Apps);
        AssertNoStackTraces();
    }

    [Theory]
    [MemberData(nameof(MalformedFrames.Names), MemberType = typeof(MalformedFrames))]
    public async Task Watch_Malformed_ClearStatus(string name)
    {
        var (body, encoding, expected) = MalformedFrames.Case(name, new WatchRequest());

        var result = await _raw.CallAsync(WatchPath, body, encoding);

        Assert.Equal((int)expected, result.Status);
        Assert.Empty(result.Messages);
        AssertNoStackTraces();
    }

    [Theory]
    [InlineData("length 0xFFFFFFFF")]
    [InlineData("compressed flag 2")]
    [InlineData("gzip flag on a non-gzip body")]
    public async Task KeepAlive_BrokenFraming_StreamEndsWithClearStatus(string name)
    {
        // A frame that cannot be delimited or decoded leaves no way to find the next message: the stream ends.
        var (body, encoding, expected) = MalformedFrames.Case(name, new KeepAliveRequest { LeaseId = 1 });

        var result = await _raw.CallAsync(KeepAlivePath, body, encoding);

        Assert.Equal((int)expected, result.Status);
        AssertNoStackTraces();
    }

    [Theory]
    [InlineData("invalid utf-8")]
    [InlineData("wrong wire type")]
    [InlineData("truncated")]
    [InlineData("zero tag")]
    public async Task KeepAlive_MalformedMessage_AnsweredInStreamAndStreamKept(string name)
    {
        var leaseId = await _registry.RegisterAsync("app", "i1", "127.0.0.1", 5000, "0", ["svc"]);
        await using var call = _raw.OpenDuplex(KeepAlivePath);

        await call.SendAsync(RawGrpcClient.Frame(new KeepAliveRequest { LeaseId = leaseId }.ToByteArray()));
        var first = KeepAliveResponse.Parser.ParseFrom(await call.ReadMessageAsync());
        await call.SendAsync(RawGrpcClient.Frame(MalformedFrames.Payloads[name]));
        var rejected = KeepAliveResponse.Parser.ParseFrom(await call.ReadMessageAsync());
        await call.SendAsync(RawGrpcClient.Frame(new KeepAliveRequest { LeaseId = leaseId }.ToByteArray()));
        var after = KeepAliveResponse.Parser.ParseFrom(await call.ReadMessageAsync());
        var status = await call.CompleteAsync();

        Assert.Equal(0, first.Code);
        Assert.Equal((int)StatusCode.InvalidArgument, rejected.Code);
        Assert.Contains("Malformed KeepAliveRequest", rejected.Message, StringComparison.Ordinal);
        Assert.Equal(0, after.Code);
        Assert.Equal(leaseId, after.LeaseId);
        Assert.True(after.TtlMs > 0);
        Assert.Equal(0, status.Status);
        AssertNoStackTraces();
    }

    [Fact]
    public async Task Register_200MalformedRequests_FewLogLinesNoStackTrace()
    {
        foreach (var name in MalformedFrames.AllNames)
        {
            var (body, encoding, _) = MalformedFrames.Case(name, ValidRegister());
            for (var i = 0; i < 25; i++)
            {
                await _raw.CallAsync(RegisterPath, body, encoding);
            }
        }

        var records = _registry.LogCollector.GetSnapshot();
        // One line per method per 10 s at most: the first bad request of the run.
        Assert.InRange(records.Count, 1, 3);
        Assert.All(records, r => Assert.Null(r.Exception));
        var line = Assert.Single(records, r => r.Id.Id == 120);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains(RegisterPath, line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_MalformedAtInformationLevel_NoStackTraceFromGrpc()
    {
        // The host's own default: grpc-dotnet's per-call category at Warning, so its Information line
        // with the exception (one per unreadable message) does not appear even when Default is Information.
        await using var registry = await RegistryHost.StartAsync("--Logging:LogLevel:Default=Information");
        using var raw = new RawGrpcClient(registry.Address);
        for (var i = 0; i < 50; i++)
        {
            await raw.CallAsync(RegisterPath, RawGrpcClient.Frame(MalformedFrames.Payloads["zero tag"]));
        }

        var records = registry.LogCollector.GetSnapshot();
        Assert.All(records, r => Assert.True(r.Exception is null, $"{r.Level} {r.Category} {r.Id}: {r.Message}"));
        Assert.DoesNotContain(records, r => r.Category == "Grpc.AspNetCore.Server.ServerCallHandler");
        Assert.Single(records, r => r.Id.Id == 120);
    }

    private void AssertNoStackTraces()
    {
        var records = _registry.LogCollector.GetSnapshot();
        Assert.All(records, r => Assert.Null(r.Exception));
        Assert.All(records, r => Assert.True(r.Level < LogLevel.Error, $"{r.Level} {r.Category}: {r.Message}"));
    }

    private static RegisterRequest ValidRegister() => new()
    {
        Instance = new Instance { App = "app", InstanceId = "i1", Host = "127.0.0.1", Port = 5000, Revision = "0" },
    };
}
