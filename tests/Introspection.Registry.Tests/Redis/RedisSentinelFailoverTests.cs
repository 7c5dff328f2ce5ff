using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Introspection.Registry.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Introspection.Registry.Tests.Redis;

/// <summary>
/// A real Sentinel failover (primary SIGKILLed, replica promoted) under registration load, through a
/// registry node connected via the Sentinel (<c>127.0.0.1:port,serviceName=mymaster</c>): how many
/// acknowledged registrations are lost, with and without <c>WaitReplicas</c>.
/// </summary>
[Collection(SentinelCollection.Name)]
public sealed class RedisSentinelFailoverTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task Failover_PrimaryKilledUnderRegistrationLoad_AcknowledgedRegistrationsLost(int waitReplicas)
    {
        await using var cluster = await RedisSentinelCluster.StartAsync().WaitAsync(TestTimeouts.Long);
        await using var node = await RegistryHost.StartAsync(
            "--Introspection:Registry:Store=redis",
            $"--Introspection:Registry:Redis:Configuration={cluster.Configuration}",
            $"--Introspection:Registry:Redis:KeyPrefix={RedisStores.NewPrefix()}",
            $"--Introspection:Registry:Redis:WaitReplicas={waitReplicas}",
            "--Introspection:Registry:Redis:WaitTimeout=00:00:00.500");

        // Registrations one after another, as fast as they are answered; only an OK counts as acknowledged.
        var acknowledged = new ConcurrentDictionary<string, long>();
        var failed = 0;
        string? lastFailure = null;
        using var stop = new CancellationTokenSource();
        var load = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var id = $"i-{i:00000}";
                try
                {
                    var reply = await node.Client.RegisterAsync(Instances.Register(id: id, ttlMs: 300_000), deadline: DateTime.UtcNow.AddSeconds(2));
                    acknowledged[id] = reply.Revision;
                }
                catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
                {
                    lastFailure = ex.Status.Detail;
                    Interlocked.Increment(ref failed);
                    await Task.Delay(20);
                }
            }
        });

        await Poll.UntilAsync(() => acknowledged.Count >= 200, because: "registrations flow through the Sentinel-managed connection");
        var failoverTime = Stopwatch.StartNew();
        await cluster.KillPrimaryAsync();
        await cluster.WaitForFailoverAsync(TestTimeouts.Long);
        var failedOver = failoverTime.Elapsed;
        var beforeRecovery = acknowledged.Count;

        // The promoted replica has no replica of its own: with WaitReplicas=1 every write answers
        // UNAVAILABLE until one is back (as it should: the write would not be durable).
        await cluster.RestartOldPrimaryAsReplicaAsync();
        try
        {
            // 90 s, not the usual 30: in a process that has run the other ~400 registry tests, StackExchange.Redis has
            // been seen to take more than 30 s to move to the promoted primary (9 s when run alone). The time is
            // printed below (kill-to-writes-again); a registry that never recovers still fails here.
            await Poll.UntilAsync(() => acknowledged.Count >= beforeRecovery + 100 || load.IsCompleted, TimeSpan.FromSeconds(90), "registrations succeed on the promoted replica");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} Acknowledged {acknowledged.Count} ({beforeRecovery} before recovery), {failed} failed calls, last failure: {lastFailure}", ex);
        }

        Assert.False(load.IsFaulted, $"the registration load stopped: {load.Exception?.GetBaseException()}");
        var recovered = failoverTime.Elapsed;
        await stop.CancelAsync();
        await load.WaitAsync(TestTimeouts.Long);

        var listed = new HashSet<string>();
        await Poll.UntilAsync(
            async () =>
            {
                listed = (await node.InstancesAsync("orders")).Select(i => i.InstanceId).ToHashSet();
                return true;
            },
            because: "the promoted replica answers");
        var lost = acknowledged.Keys.Where(id => !listed.Contains(id)).Order(StringComparer.Ordinal).ToList();
        output.WriteLine($"WaitReplicas={waitReplicas}: acknowledged={acknowledged.Count}, lost={lost.Count} [{string.Join(",", lost.Take(20))}], failed calls={failed}, kill-to-promoted={failedOver.TotalSeconds:0.0} s, kill-to-writes-again={recovered.TotalSeconds:0.0} s");

        // Without WAIT the count is only recorded: on loopback the replica is rarely behind.
        if (waitReplicas > 0)
        {
            Assert.Empty(lost);
        }
    }
}
