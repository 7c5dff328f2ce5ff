using Grpc.Core;
using Grpc.Health.V1;
using Introspection.FaultTests.Infrastructure;
using Introspection.Protocol.Registry.V1;

namespace Introspection.FaultTests.Registry;

/// <summary>
/// Two registry nodes on one Redis (AOF, fsync always), two providers and a consumer configured with both nodes.
/// registry-min/README.md "Leases, expiry and outages": while Redis is down every call answers UNAVAILABLE, no lease
/// expires because of the outage (the lease clock is extended by the gap), and the nodes recover by themselves.
/// </summary>
public sealed class RedisOutageTests : IAsyncLifetime
{
    private static readonly TimeSpan s_outage = TimeSpan.FromSeconds(8); // longer than the 5 s lease TTL

    private RedisServer? _redis;
    private GreeterScenario? _scenario;

    private GreeterScenario Scenario => _scenario!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync(durable: true);
        string[] settings =
        [
            "--Introspection:Registry:Store=redis",
            $"--Introspection:Registry:Redis:Configuration={_redis.Configuration}",
            "--Introspection:Registry:Redis:KeyPrefix=faults",
        ];
        var nodeA = await RegistryProcess.StartAsync(settings);
        RegistryProcess nodeB;
        try
        {
            nodeB = await RegistryProcess.StartAsync(settings);
        }
        catch
        {
            await nodeA.DisposeAsync();
            throw;
        }

        _scenario = await GreeterScenario.StartAsync([nodeA, nodeB]);
    }

    public async Task DisposeAsync()
    {
        if (_scenario is not null)
        {
            await _scenario.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    [Fact]
    public async Task RedisLoss_TwoNodesOneRedis_UnavailableDuringOutageNoLeaseExpiresRecovers()
    {
        var before = await InstancesAsync(Scenario.Nodes[0]);
        Assert.Equal(["a", "b"], before.Keys.Order(StringComparer.Ordinal));

        await _redis!.KillAsync();
        var killedAt = DateTime.UtcNow;
        foreach (var node in Scenario.Nodes)
        {
            await Poll.UntilAsync(async () => await StatusAsync(node) == StatusCode.Unavailable, TestTimeouts.Condition, $"node {node.Port} answers UNAVAILABLE");
        }

        // For the rest of the outage every answer is UNAVAILABLE (never a stale answer as fresh) and health says so.
        var seen = new List<StatusCode>();
        while (DateTime.UtcNow - killedAt < s_outage)
        {
            foreach (var node in Scenario.Nodes)
            {
                seen.Add(await StatusAsync(node));
            }

            await Task.Delay(250);
        }

        Assert.All(seen, s => Assert.Equal(StatusCode.Unavailable, s));
        Assert.NotEqual(HealthCheckResponse.Types.ServingStatus.Serving, await Scenario.Nodes[0].CheckHealthAsync());
        var duringOutage = Scenario.Consumer.Calls.Count(c => !c.Failed && c.At > killedAt);
        Assert.True(duringOutage >= 40, $"the consumer answered only {duringOutage} calls during the outage");

        await _redis.StartAgainAsync();
        foreach (var node in Scenario.Nodes)
        {
            await Poll.UntilAsync(async () => await StatusAsync(node) == StatusCode.OK, TestTimeouts.Long, $"node {node.Port} recovered by itself");
        }

        // No lease lapsed because of the outage: same records (mod_revision unchanged: not evicted and registered
        // again), on both nodes, also after a few more sweeps and renewals.
        await Task.Delay(TimeSpan.FromSeconds(3));
        foreach (var node in Scenario.Nodes)
        {
            Assert.Equal(before, await InstancesAsync(node));
        }

        await Scenario.Consumer.WaitForSuccessesAsync(Scenario.Consumer.Calls.Count, 20);
        await Scenario.AssertNoFailedCallsAsync();
    }

    [Fact]
    public async Task RegistryNodeKill_Sigkill_OneOfTwoNodes_NoFailedCallsNoLeaseLapses()
    {
        var survivor = Scenario.Nodes[1];
        var before = await InstancesAsync(survivor);
        await Scenario.Nodes[0].KillAsync();
        var killedAt = DateTime.UtcNow;

        // Longer than a lease TTL: providers renew through the other node, the consumer's watch moves there.
        await Poll.UntilAsync(() => DateTime.UtcNow - killedAt > TimeSpan.FromSeconds(8), TestTimeouts.Long, "8 s with one node dead");
        Assert.Equal(before, await InstancesAsync(survivor));
        await Scenario.Consumer.WaitForSuccessesAsync(Scenario.Consumer.Calls.Count, 20);
        await Scenario.AssertNoFailedCallsAsync();
    }

    private static async Task<Dictionary<string, long>> InstancesAsync(RegistryProcess node)
    {
        var list = await node.Client.ListInstancesAsync(new ListInstancesRequest { App = "greeter" }, deadline: DateTime.UtcNow + TestTimeouts.Call);
        return list.Instances.ToDictionary(i => i.InstanceId, i => i.ModRevision);
    }

    private static async Task<StatusCode> StatusAsync(RegistryProcess node)
    {
        try
        {
            await node.Client.ListInstancesAsync(new ListInstancesRequest { App = "greeter" }, deadline: DateTime.UtcNow + TestTimeouts.Call);
            return StatusCode.OK;
        }
        catch (RpcException ex)
        {
            return ex.StatusCode;
        }
    }
}
