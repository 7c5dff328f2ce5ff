using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Introspection.FaultTests.Infrastructure;
using Introspection.Protocol.Registry.V1;
using RegistryClient = Introspection.Protocol.Registry.V1.Registry.RegistryClient;

namespace Introspection.FaultTests.Registry;

/// <summary>
/// Many established leases (each renewed a few times, each from its own connection) lapse at once, as when the
/// registry's own network fails. registry-min/README.md "Self-preservation": above the threshold eviction pauses and
/// the health service <c>introspection.registry.v1.Registry.Eviction</c> answers NOT_SERVING.
/// </summary>
public sealed class SelfPreservationTests : IAsyncLifetime
{
    private const int Clients = 8;
    private static readonly TimeSpan s_ttl = TimeSpan.FromMilliseconds(1500);

    private RegistryProcess? _registry;

    public async Task InitializeAsync() => _registry = await RegistryProcess.StartAsync(
        "--Introspection:Registry:SelfPreservation:MinimumLeases=4",
        "--Introspection:Registry:SelfPreservation:Threshold=0.5",
        "--Introspection:Registry:SelfPreservation:Window=00:00:20",
        "--Introspection:Registry:Leases:MinTtl=00:00:01",
        "--Introspection:Registry:Leases:SweepInterval=00:00:00.250");

    public async Task DisposeAsync()
    {
        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }
    }

    [Fact]
    public async Task SelfPreservation_ManyEstablishedLeasesLapseAtOnce_EvictionPausesAndHealthFlagged()
    {
        var registry = _registry!;
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await registry.CheckHealthAsync("introspection.registry.v1.Registry.Eviction"));

        // Eight clients, each on its own connection, register and renew a few times: established leases.
        var channels = Enumerable.Range(0, Clients).Select(_ => GrpcChannel.ForAddress(registry.Url)).ToList();
        try
        {
            await Task.WhenAll(channels.Select((channel, i) => RegisterAndRenewAsync(new RegistryClient(channel), $"i{i}")));
        }
        finally
        {
            // ...and all fall silent at once.
            foreach (var channel in channels)
            {
                channel.Dispose();
            }
        }

        await Poll.UntilAsync(
            async () => await registry.CheckHealthAsync("introspection.registry.v1.Registry.Eviction") == HealthCheckResponse.Types.ServingStatus.NotServing,
            TestTimeouts.Condition,
            "the eviction health service reports self-preservation");

        // Several TTLs and sweeps later nothing was evicted, and the registry itself is still healthy.
        await Task.Delay(s_ttl * 3);
        var list = await registry.Client.ListInstancesAsync(new ListInstancesRequest { App = "sp" }, deadline: DateTime.UtcNow + TestTimeouts.Call);
        Assert.Equal(Clients, list.Instances.Count);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await registry.CheckHealthAsync());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await registry.CheckHealthAsync("introspection.registry.v1.Registry.Eviction"));
    }

    private static async Task RegisterAndRenewAsync(RegistryClient client, string instanceId)
    {
        var lease = await client.RegisterAsync(
            new RegisterRequest { Instance = new Instance { App = "sp", InstanceId = instanceId, Host = "127.0.0.1", Port = 5001, Revision = "0" }, TtlMs = (long)s_ttl.TotalMilliseconds },
            deadline: DateTime.UtcNow + TestTimeouts.Call);
        using var call = client.KeepAlive(deadline: DateTime.UtcNow + TestTimeouts.Long);
        for (var i = 0; i < 5; i++)
        {
            await call.RequestStream.WriteAsync(new KeepAliveRequest { LeaseId = lease.LeaseId }).WaitAsync(TestTimeouts.Call);
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(TestTimeouts.Call));
            Assert.Equal((int)StatusCode.OK, call.ResponseStream.Current.Code);
            await Task.Delay(s_ttl / 4);
        }

        await call.RequestStream.CompleteAsync().WaitAsync(TestTimeouts.Call);
    }
}
