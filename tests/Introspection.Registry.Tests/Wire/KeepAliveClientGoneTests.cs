using Google.Protobuf;
using Introspection.Protocol.Registry.V1;
using Microsoft.Extensions.Logging;

namespace Introspection.Registry.Tests.Wire;

/// <summary>A client that ends its KeepAlive stream abruptly (normal at shutdown) is not a registry failure.</summary>
public sealed class KeepAliveClientGoneTests
{
    [Theory]
    [InlineData("cancel")]
    [InlineData("reset")]
    public async Task KeepAlive_ClientGoesAway_NoErrorNoStackTrace(string how)
    {
        await using var registry = await RegistryHost.StartAsync("--Logging:LogLevel:Introspection=Debug");
        var leaseId = await registry.RegisterAsync("app", "i1", "127.0.0.1", 5000, "0", ["svc"]);

        for (var i = 0; i < 5; i++)
        {
            if (how == "cancel")
            {
                using var cts = new CancellationTokenSource();
                var call = registry.Client.KeepAlive(cancellationToken: cts.Token);
                await call.RequestStream.WriteAsync(new KeepAliveRequest { LeaseId = leaseId });
                Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(TestTimeouts.Call));
                await cts.CancelAsync();
                call.Dispose();
            }
            else
            {
                // A raw stream dropped with its HttpClient: the connection goes away under the call.
                using var raw = new RawGrpcClient(registry.Address);
                var call = raw.OpenDuplex("/introspection.registry.v1.Registry/KeepAlive");
                await call.SendAsync(RawGrpcClient.Frame(new KeepAliveRequest { LeaseId = leaseId }.ToByteArray()));
                Assert.NotNull(await call.ReadMessageAsync());
            }
        }

        // The registry notices each stream's end (Debug 106, or a cancelled read: both quiet).
        await Task.Delay(500);
        var records = registry.LogCollector.GetSnapshot();
        Assert.All(records, r => Assert.True(r.Level < LogLevel.Warning, $"{r.Level} {r.Category} {r.Id}: {r.Message} {r.Exception}"));
        Assert.All(records, r => Assert.Null(r.Exception));
    }
}
