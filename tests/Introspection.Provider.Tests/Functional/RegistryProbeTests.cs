using Grpc.Health.V1;
using Introspection.Provider.Tests.Infrastructure;
using Introspection.Protocol.Registry.V1;
using Microsoft.AspNetCore.Builder;

namespace Introspection.Provider.Tests.Functional;

/// <summary>
/// The registry-initiated check (Introspection:Registry:Leases:Probe) against a real provider: its keep-alive
/// path to the registry is cut (a relay in between), the provider itself keeps serving.
/// </summary>
public sealed class RegistryProbeTests
{
    private const int LeaseEvicted = 210;
    private const int ProbeExtended = 220;
    private const int ProbeFailed = 221;
    private const int ProbeLimitReached = 222;

    private static readonly string[] s_fastSweeps =
    [
        "--Introspection:Registry:Leases:SweepInterval=00:00:00.100",
        "--Logging:LogLevel:Introspection.Registry.Leases=Information",
    ];

    [Fact]
    public async Task Sweep_KeepAliveCutProviderHealthy_ExtendedUpToMaxConsecutiveExtensionsThenEvicted()
    {
        await using var registry = await RegistryHost.StartAsync(0, [.. s_fastSweeps, "--Introspection:Registry:Leases:Probe:Enabled=true", "--Introspection:Registry:Leases:Probe:MaxConsecutiveExtensions=2"]);
        await using var relay = new TcpRelay(registry.Address);
        await using var provider = await ProviderServer.StartAsync(relay.Address, o => o.LeaseTtl = TimeSpan.FromSeconds(1));
        await Poll.UntilAsync(async () => (await registry.InstancesAsync(ProviderServer.App)).Count == 1, TestTimeouts.Short, "the provider is registered");

        relay.Cut();

        // First lapse: the probe finds the provider serving and the registry keeps it.
        await Poll.UntilAsync(() => registry.Logs.Any(e => e.Id.Id == ProbeExtended), TestTimeouts.Short, "the registry extends the lapsed lease after a probe");
        Assert.Single(await registry.InstancesAsync(ProviderServer.App));
        Assert.DoesNotContain(registry.Logs, e => e.Id.Id == LeaseEvicted);

        // Not forever: after MaxConsecutiveExtensions the lease is evicted even though the probe would still pass.
        await Poll.UntilAsync(async () => (await registry.InstancesAsync(ProviderServer.App)).Count == 0, TestTimeouts.Short, "the instance is evicted after the extension limit");
        // The sweeper logs an eviction after the store applied it: a lister can see the instance gone first.
        await Poll.UntilAsync(() => registry.Logs.Any(e => e.Id.Id == LeaseEvicted), TestTimeouts.Short, "the eviction is logged");
        var events = registry.Logs.Select(e => e.Id.Id).ToList();
        Assert.Equal(2, events.Count(id => id == ProbeExtended));
        Assert.Contains(ProbeLimitReached, events);
        Assert.True(events.IndexOf(ProbeLimitReached) < events.IndexOf(LeaseEvicted), string.Join(",", events));
    }

    [Fact]
    public async Task Sweep_ProviderRenewsItselfBetweenCuts_ExtensionCountStartsOver()
    {
        await using var registry = await RegistryHost.StartAsync(0, [.. s_fastSweeps, "--Introspection:Registry:Leases:Probe:Enabled=true", "--Introspection:Registry:Leases:Probe:MaxConsecutiveExtensions=1"]);
        await using var relay = new TcpRelay(registry.Address);
        await using var provider = await ProviderServer.StartAsync(relay.Address, o => o.LeaseTtl = TimeSpan.FromSeconds(1));
        await Poll.UntilAsync(async () => (await registry.InstancesAsync(ProviderServer.App)).Count == 1, TestTimeouts.Short, "the provider is registered");

        relay.Cut();
        await Poll.UntilAsync(() => registry.Logs.Count(e => e.Id.Id == ProbeExtended) == 1, TestTimeouts.Short, "the first lapse is extended");
        relay.Resume();
        var renewals = provider.Get<Introspection.Provider.Internal.ProviderLifecycle>().Registrations[0];
        var before = renewals.LastAccepted;
        await Poll.UntilAsync(() => renewals.LastAccepted != before && renewals.ConsecutiveFailures == 0, TestTimeouts.Short, "the provider renews through the relay again");

        // Cut again: a fresh chain, so one more extension instead of an eviction at the limit.
        relay.Cut();
        await Poll.UntilAsync(() => registry.Logs.Count(e => e.Id.Id == ProbeExtended) == 2, TestTimeouts.Short, "the second lapse is extended too");

        var events = registry.Logs.Select(e => e.Id.Id).ToList();
        var secondExtension = events.LastIndexOf(ProbeExtended);
        Assert.DoesNotContain(LeaseEvicted, events.Take(secondExtension));
        Assert.DoesNotContain(ProbeLimitReached, events.Take(secondExtension));
        await Poll.UntilAsync(async () => (await registry.InstancesAsync(ProviderServer.App)).Count == 0, TestTimeouts.Short, "evicted at the limit of the new chain");
    }

    [Fact]
    public async Task Sweep_KeepAliveCutProbingDisabled_EvictedWithoutProbe()
    {
        await using var registry = await RegistryHost.StartAsync(0, s_fastSweeps);
        await using var relay = new TcpRelay(registry.Address);
        await using var provider = await ProviderServer.StartAsync(relay.Address, o => o.LeaseTtl = TimeSpan.FromSeconds(1));
        await Poll.UntilAsync(async () => (await registry.InstancesAsync(ProviderServer.App)).Count == 1, TestTimeouts.Short, "the provider is registered");

        relay.Cut();

        await Poll.UntilAsync(async () => (await registry.InstancesAsync(ProviderServer.App)).Count == 0, TestTimeouts.Short, "the lapsed instance is evicted");
        // The sweeper logs an eviction after the store applied it: a lister can see the instance gone first.
        await Poll.UntilAsync(() => registry.Logs.Any(e => e.Id.Id == LeaseEvicted), TestTimeouts.Short, "the eviction is logged");
        Assert.DoesNotContain(registry.Logs, e => e.Id.Id is ProbeExtended or ProbeFailed or ProbeLimitReached);
        Assert.Contains(registry.Logs, e => e.Id.Id == LeaseEvicted);
    }

    [Fact]
    public async Task Sweep_LapsedInstancePortDeadProbingEnabled_EvictedPromptly()
    {
        await using var registry = await RegistryHost.StartAsync(0, [.. s_fastSweeps, "--Introspection:Registry:Leases:Probe:Enabled=true", "--Introspection:Registry:Leases:Probe:Timeout=00:00:05"]);
        var deadPort = FreePort.Get();
        await registry.Client.RegisterAsync(
            new RegisterRequest { TtlMs = 500, Instance = new Instance { App = "dead-app", InstanceId = "dead", Host = "127.0.0.1", Port = deadPort, Revision = "0" } },
            deadline: DateTime.UtcNow + TestTimeouts.Short);
        var registered = DateTime.UtcNow;

        await Poll.UntilAsync(async () => (await registry.InstancesAsync("dead-app")).Count == 0, TestTimeouts.Short, "the dead instance is evicted");

        // Refused at once: neither the 5 s probe timeout nor any extension stands in the way.
        var elapsed = DateTime.UtcNow - registered;
        Assert.True(elapsed < TimeSpan.FromSeconds(3), $"evicted after {elapsed.TotalMilliseconds:0} ms");
        Assert.Contains(registry.Logs, e => e.Id.Id == ProbeFailed && e.Message.Contains("Unreachable", StringComparison.Ordinal));
        Assert.DoesNotContain(registry.Logs, e => e.Id.Id == ProbeExtended);
    }

    [Fact]
    public async Task HealthCheck_RenewalsFailing_MetadataServiceStillServing()
    {
        await using var registry = await RegistryHost.StartAsync();
        await using var relay = new TcpRelay(registry.Address);
        await using var provider = await ProviderServer.StartAsync(relay.Address, o =>
        {
            o.LeaseTtl = TimeSpan.FromSeconds(1);
            o.UnhealthyAfterFailures = 1;
        });
        await Poll.UntilAsync(async () => (await registry.InstancesAsync(ProviderServer.App)).Count == 1, TestTimeouts.Short, "the provider is registered");

        relay.Cut();
        await Poll.UntilAsync(async () => (await CheckAsync(provider, "")) == HealthCheckResponse.Types.ServingStatus.NotServing, TestTimeouts.Short, "the overall health reports the failing renewals");

        // The probe's service ignores the registrations: that is when the registry asks.
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await CheckAsync(provider, IntrospectionMetadataEndpointRouteBuilderExtensions.HealthServiceName));
    }

    [Fact]
    public async Task HealthCheck_ProviderDraining_NotServing()
    {
        await using var registry = await RegistryHost.StartAsync();
        await using var provider = await ProviderServer.StartAsync(registry.Address, o => o.PropagationDelay = TimeSpan.Zero);
        await Poll.UntilAsync(async () => (await registry.InstancesAsync(ProviderServer.App)).Count == 1, TestTimeouts.Short, "the provider is registered");
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await CheckAsync(provider, IntrospectionMetadataEndpointRouteBuilderExtensions.HealthServiceName));

        // Tracked work holds the drain open while the health is asked.
        var work = provider.Get<IProviderDrain>().TrackWork("test");
        var stopping = provider.StopAsync();
        try
        {
            await Poll.UntilAsync(() => provider.Get<IProviderDrain>().IsDraining, TestTimeouts.Short, "the provider drains");
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await CheckAsync(provider, IntrospectionMetadataEndpointRouteBuilderExtensions.HealthServiceName));
        }
        finally
        {
            work.Dispose();
            await stopping.WaitAsync(TestTimeouts.Long);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task MapIntrospectionMetadata_AppMapsGrpcHealthChecksServiceToo_HealthAnswers(bool appMapsFirst)
    {
        Action<WebApplication> mapHealth = app => app.MapGrpcHealthChecksService();
        await using var provider = await ProviderServer.StartAsync(null, mapBefore: appMapsFirst ? mapHealth : null, mapAfter: appMapsFirst ? null : mapHealth);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await CheckAsync(provider, IntrospectionMetadataEndpointRouteBuilderExtensions.HealthServiceName));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await CheckAsync(provider, ""));
    }

    private static async Task<HealthCheckResponse.Types.ServingStatus> CheckAsync(ProviderServer provider, string service)
    {
        var response = await provider.Health.CheckAsync(new HealthCheckRequest { Service = service }, deadline: DateTime.UtcNow + TestTimeouts.Short).ResponseAsync.WaitAsync(TestTimeouts.Short);
        return response.Status;
    }
}
