using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Introspection.Registry.Tests.Functional;

public sealed class HealthAndReflectionTests
{
    [Fact]
    public async Task Health_Default_ServingForRegistryAndEviction()
    {
        await using var server = await RegistryHost.StartAsync();
        var health = new Health.HealthClient(server.Channel);

        foreach (var service in new[] { "", RegistryServiceCollectionExtensions.RegistryHealthServiceName, RegistryServiceCollectionExtensions.EvictionHealthServiceName })
        {
            var answer = await health.CheckAsync(new HealthCheckRequest { Service = service }, deadline: DateTime.UtcNow.Add(TestTimeouts.Long));
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, answer.Status);
        }
    }

    [Fact]
    public async Task Health_MassLapse_EvictionNotServingUntilRenewalsRecover()
    {
        await using var server = await RegistryHost.StartAsync(
            "--Introspection:Registry:SelfPreservation:MinimumLeases=2",
            "--Introspection:Registry:SelfPreservation:Threshold=0.5");
        var health = new Health.HealthClient(server.Channel);
        var leases = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            leases.Add((await server.Client.RegisterAsync(Instances.Register(id: $"i{i}", ttlMs: 1000), deadline: DateTime.UtcNow.Add(TestTimeouts.Long))).LeaseId);
        }

        // One renewal each: established instances (self-preservation ignores leases that never renewed).
        using (var first = server.Client.KeepAlive(deadline: DateTime.UtcNow.Add(TestTimeouts.Long)))
        {
            foreach (var lease in leases)
            {
                await first.RequestStream.WriteAsync(new KeepAliveRequest { LeaseId = lease });
                Assert.True(await first.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(TestTimeouts.Long));
            }

            await first.RequestStream.CompleteAsync();
        }

        // Nobody renews: all four lapse at once, which looks like the registry's own network failing.
        await Poll.UntilAsync(async () => await EvictionStatusAsync(health) == HealthCheckResponse.Types.ServingStatus.NotServing, because: "eviction paused");
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.Add(TestTimeouts.Long))).Status);

        // Registrations a sweep apart may let one or two go before the share passes 50%; never more.
        var kept = (await server.Client.ListInstancesAsync(new ListInstancesRequest { App = "orders" }, deadline: DateTime.UtcNow.Add(TestTimeouts.Long))).Instances.Count;
        Assert.InRange(kept, 2, 4);

        // Renewals come back (every 300 ms, well inside the 1 s TTL): eviction resumes.
        using var stopRenewing = new CancellationTokenSource(TestTimeouts.Long);
        using var call = server.Client.KeepAlive(cancellationToken: stopRenewing.Token);
        var renewer = Task.Run(async () =>
        {
            while (!stopRenewing.IsCancellationRequested)
            {
                foreach (var lease in leases)
                {
                    await call.RequestStream.WriteAsync(new KeepAliveRequest { LeaseId = lease });
                    Assert.True(await call.ResponseStream.MoveNext(stopRenewing.Token));
                }

                await Task.Delay(300, stopRenewing.Token);
            }
        });

        await Poll.UntilAsync(async () => await EvictionStatusAsync(health) == HealthCheckResponse.Types.ServingStatus.Serving, because: "eviction resumed");
        await stopRenewing.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => renewer).WaitAsync(TestTimeouts.Long);
        Assert.Equal(kept, (await server.Client.ListInstancesAsync(new ListInstancesRequest { App = "orders" }, deadline: DateTime.UtcNow.Add(TestTimeouts.Long))).Instances.Count);
    }

    [Fact]
    public async Task Health_FloodOfNeverRenewedLeases_EvictedOnTimeEvictionServing()
    {
        // The black-box finding: registrations with the minimum TTL that never renew paused eviction
        // for everybody. They are failed starts, not a partition: evicted on time, no pause.
        await using var server = await RegistryHost.StartAsync(
            "--Introspection:Registry:SelfPreservation:MinimumLeases=2",
            "--Introspection:Registry:Leases:MinTtl=00:00:01");
        var health = new Health.HealthClient(server.Channel);
        for (var i = 0; i < 50; i++)
        {
            await server.Client.RegisterAsync(Instances.Register(id: $"junk{i}", ttlMs: 1000), deadline: DateTime.UtcNow.Add(TestTimeouts.Long));
        }

        await Poll.UntilAsync(
            async () => (await server.Client.ListInstancesAsync(new ListInstancesRequest { App = "orders" }, deadline: DateTime.UtcNow.Add(TestTimeouts.Long))).Instances.Count == 0,
            because: "every never-renewed lease is evicted");
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await EvictionStatusAsync(health));
    }

    [Fact]
    public async Task Reflection_ListServices_IncludesRegistryAndHealth()
    {
        await using var server = await RegistryHost.StartAsync();
        var reflection = new ServerReflection.ServerReflectionClient(server.Channel);
        using var call = reflection.ServerReflectionInfo(deadline: DateTime.UtcNow.Add(TestTimeouts.Long));

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(TestTimeouts.Long));

        var names = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("introspection.registry.v1.Registry", names);
        Assert.Contains("grpc.health.v1.Health", names);
    }

    private static async Task<HealthCheckResponse.Types.ServingStatus> EvictionStatusAsync(Health.HealthClient health) =>
        (await health.CheckAsync(new HealthCheckRequest { Service = RegistryServiceCollectionExtensions.EvictionHealthServiceName }, deadline: DateTime.UtcNow.Add(TestTimeouts.Long))).Status;
}
