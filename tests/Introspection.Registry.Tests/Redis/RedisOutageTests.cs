using System.Diagnostics;
using Grpc.Core;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Tests.Infrastructure;

namespace Introspection.Registry.Tests.Redis;

/// <summary>
/// What counts as a Redis outage (issue #10): a slow Redis is not one (no lease extension, sweeps go on).
/// That a stopped Redis still is: RedisRegistryStoreTests.Leases_RedisDownLongerThanTtl_NoLeaseLapsesBecauseOfTheOutage
/// and RedisRegistryFunctionalTests.Redis_RestartedUnderLoad_UnavailableDuringOutageNothingLostAfter.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisOutageTests
{
    private const int LeasesExtendedEvent = 405;
    private const int RedisUnavailableEvent = 401;

    // Thresholds scaled down so a 0.6 s stall is "longer than the outage threshold". (Calls are not made to
    // time out: a 300 ms OperationTimeout left StackExchange.Redis unable to reconnect in a later test.)
    private static readonly string[] FastClock =
    [
        "--Introspection:Registry:Redis:ClockInterval=00:00:00.100",
        "--Introspection:Registry:Redis:OutageThreshold=00:00:00.400",
        "--Introspection:Registry:SelfPreservation:Enabled=false",
    ];

    [Fact]
    public async Task SlowRedis_StallsLongerThanOutageThreshold_NoOutageNoExtensionSweepsGoOn()
    {
        await using var redis = await RedisServer.StartAsync(false, "--enable-debug-command", "yes");
        var prefix = RedisStores.NewPrefix();
        await using var node = await RegistryHost.StartOnRedisAsync(redis, prefix, FastClock);
        await node.RegisterAsync("orders", "kept", "10.0.0.1", 5000, Instances.RevisionA, ["a.Svc"], TimeSpan.FromMinutes(5));

        using var stop = new CancellationTokenSource();
        var answered = 0;
        var failed = 0;
        var load = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    await node.Client.RegisterAsync(Instances.Register(id: $"load-{i % 20}", ttlMs: 60_000), deadline: DateTime.UtcNow.AddSeconds(2));
                    var map = new MapServiceRequest { App = "orders" };
                    map.Services.Add($"load.Svc{i % 20}");
                    await node.Client.MapServiceAsync(map, deadline: DateTime.UtcNow.AddSeconds(2));
                    Interlocked.Increment(ref answered);
                }
                catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
                {
                    // A slow call may fail; what matters is what the node concludes from it.
                    Interlocked.Increment(ref failed);
                }
            }
        });

        // A lease nobody renews: sweeps must evict it on time although Redis stalls around it.
        await node.Client.RegisterAsync(Instances.Register(id: "doomed", ttlMs: 1000), deadline: DateTime.UtcNow.Add(TestTimeouts.Call));
        var registeredAt = Stopwatch.StartNew();
        for (var i = 0; i < 4; i++)
        {
            // Blocks the whole server (every node's commands) for 0.6 s, from a connection of its own.
            Assert.StartsWith("+OK", await redis.CommandAsync("DEBUG SLEEP 0.6"));
            await Task.Delay(300);
        }

        await Poll.UntilAsync(async () => (await node.InstancesAsync("orders")).All(i => i.InstanceId != "doomed"), because: "the unrenewed lease is evicted");
        var evictedAfter = registeredAt.Elapsed;
        await stop.CancelAsync();
        await load.WaitAsync(TestTimeouts.Long);

        Assert.True(Volatile.Read(ref answered) > 0, "calls were served around the stalls");
        Assert.DoesNotContain(node.Logs, r => r.Id.Id == LeasesExtendedEvent);
        Assert.DoesNotContain(node.Logs, r => r.Id.Id == RedisUnavailableEvent);
        Assert.Equal(0, await OutageOffsetMsAsync(redis, prefix));

        // 4 stalls of 0.6 s would have pushed it out by 2.4 s had they been taken for outages.
        Assert.True(evictedAfter < TimeSpan.FromSeconds(6), $"evicted only after {evictedAfter}");
        Assert.Contains("kept", (await node.InstancesAsync("orders")).Select(i => i.InstanceId));
    }

    private static async Task<long> OutageOffsetMsAsync(RedisServer redis, string prefix)
    {
        // Raw RESP: "$-1" (never extended) or "$<len>\r\n<ms>".
        var reply = await redis.CommandAsync($"GET {{{prefix}}}:clock:offset");
        var lines = reply.Split("\r\n");
        return lines[0] == "$-1" ? 0 : long.Parse(lines[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
