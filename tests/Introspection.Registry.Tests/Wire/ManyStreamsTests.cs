using Grpc.Core;
using Grpc.Net.Client;
using Introspection.Protocol.Registry.V1;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Introspection.Registry.Tests.Wire;

/// <summary>Many long-lived streams multiplexed on one HTTP/2 connection, and the Kestrel setting that bounds them.</summary>
public sealed class ManyStreamsTests
{
    [Fact]
    public async Task Watch_300StreamsOnOneConnection_AllGetTheirSnapshot()
    {
        await using var registry = await RegistryHost.StartAsync();
        await registry.RegisterAsync("app", "i1", "127.0.0.1", 5000, "0", ["svc"]);
        // One connection only: past the server's stream limit, further streams would wait for a free slot.
        using var channel = GrpcChannel.ForAddress(registry.Address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = false },
        });
        var client = new Protocol.Registry.V1.Registry.RegistryClient(channel);
        using var cts = new CancellationTokenSource(TestTimeouts.Long);
        var calls = Enumerable.Range(0, 300).Select(_ => client.Watch(new WatchRequest(), cancellationToken: cts.Token)).ToList();
        try
        {
            var firsts = await Task.WhenAll(calls.Select(async call =>
            {
                Assert.True(await call.ResponseStream.MoveNext(cts.Token));
                return call.ResponseStream.Current;
            }));

            Assert.All(firsts, r => Assert.Equal(WatchResponseKind.Snapshot, r.Kind));
        }
        finally
        {
            foreach (var call in calls)
            {
                call.Dispose();
            }
        }
    }

    [Fact]
    public async Task MaxStreamsPerConnection_Default_FitsManyWatchers()
    {
        await using var registry = await RegistryHost.StartAsync();

        var limits = registry.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.Http2;

        Assert.Equal(RegistryApplication.DefaultMaxStreamsPerConnection, limits.MaxStreamsPerConnection);
    }

    [Fact]
    public async Task MaxStreamsPerConnection_KestrelConfigKey_Applied()
    {
        await using var registry = await RegistryHost.StartAsync("--Kestrel:Limits:Http2:MaxStreamsPerConnection=50");

        var limits = registry.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.Http2;

        Assert.Equal(50, limits.MaxStreamsPerConnection);
    }
}
