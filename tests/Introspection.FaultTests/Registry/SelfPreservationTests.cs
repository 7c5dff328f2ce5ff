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

        // Eight clients, each on its own connection, register and renew a few times in lockstep: established
        // leases whose last renewals are milliseconds apart...
        var channels = Enumerable.Range(0, Clients).Select(_ => GrpcChannel.ForAddress(registry.Url)).ToList();
        var renewers = new List<LeaseRenewer>();
        try
        {
            renewers.AddRange(await Task.WhenAll(channels.Select((channel, i) => LeaseRenewer.RegisterAsync(new RegistryClient(channel), $"i{i}", s_ttl))));
            for (var round = 0; round < 5; round++)
            {
                await Task.WhenAll(renewers.Select(r => r.RenewAsync()));
                await Task.Delay(s_ttl / 4);
            }

            await Task.WhenAll(renewers.Select(r => r.CompleteAsync()));
        }
        finally
        {
            // ...and all fall silent at once.
            foreach (var renewer in renewers)
            {
                renewer.Dispose();
            }

            foreach (var channel in channels)
            {
                channel.Dispose();
            }
        }

        await Poll.UntilAsync(
            async () => await registry.CheckHealthAsync("introspection.registry.v1.Registry.Eviction") == HealthCheckResponse.Types.ServingStatus.NotServing,
            TestTimeouts.Condition,
            "the eviction health service reports self-preservation");

        // The leases lapse within a sweep or two of each other: a sweep may evict the first few before the share of
        // lapsed established leases crosses the threshold. From the moment the guard trips nothing is evicted:
        // several TTLs and sweeps later the same instances (most of them) are still there.
        var atPause = await InstanceCountAsync(registry);
        Assert.True(atPause > Clients / 2, $"only {atPause} of {Clients} instances were left when eviction paused");
        await Task.Delay(s_ttl * 3);
        Assert.Equal(atPause, await InstanceCountAsync(registry));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await registry.CheckHealthAsync());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await registry.CheckHealthAsync("introspection.registry.v1.Registry.Eviction"));
    }

    private static async Task<int> InstanceCountAsync(RegistryProcess registry) =>
        (await registry.Client.ListInstancesAsync(new ListInstancesRequest { App = "sp" }, deadline: DateTime.UtcNow + TestTimeouts.Call)).Instances.Count;

    /// <summary>One client's lease, renewed on its own KeepAlive stream when told to.</summary>
    private sealed class LeaseRenewer(long leaseId, AsyncDuplexStreamingCall<KeepAliveRequest, KeepAliveResponse> call) : IDisposable
    {
        public static async Task<LeaseRenewer> RegisterAsync(RegistryClient client, string instanceId, TimeSpan ttl)
        {
            var lease = await client.RegisterAsync(
                new RegisterRequest { Instance = new Instance { App = "sp", InstanceId = instanceId, Host = "127.0.0.1", Port = 5001, Revision = "0" }, TtlMs = (long)ttl.TotalMilliseconds },
                deadline: DateTime.UtcNow + TestTimeouts.Call);
            return new LeaseRenewer(lease.LeaseId, client.KeepAlive(deadline: DateTime.UtcNow + TestTimeouts.Long));
        }

        public async Task RenewAsync()
        {
            await call.RequestStream.WriteAsync(new KeepAliveRequest { LeaseId = leaseId }).WaitAsync(TestTimeouts.Call);
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(TestTimeouts.Call));
            Assert.Equal((int)StatusCode.OK, call.ResponseStream.Current.Code);
        }

        public Task CompleteAsync() => call.RequestStream.CompleteAsync().WaitAsync(TestTimeouts.Call);

        public void Dispose() => call.Dispose();
    }
}
