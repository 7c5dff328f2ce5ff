using System.Diagnostics;
using Introspection.Client;
using Introspection.Registry;
using Introspection.Telemetry.Tests.Infrastructure;

namespace Introspection.Telemetry.Tests;

/// <summary>Spans of a real registry, provider and consumer, collected through OpenTelemetry and asserted by name and attributes.</summary>
public sealed class SpanTests
{
    [Fact]
    public async Task CallThroughDiscovery_RecordsRegistrationFetchAndWatchSpans_WithAttributes()
    {
        using var spans = new SpanRecorder();
        await using var scenario = await TelemetryScenario.StartAsync();
        await scenario.CallUntilServedAsync();

        await Poll.UntilAsync(() => spans.Named("introspection.metadata.fetch").Any(s => (string?)s.GetTagItem("introspection.result") == "success"), TestTimeouts.Condition, "a successful fetch span");

        // The registration span ends after the mapping, a moment after the consumer may already have used it.
        await Poll.UntilAsync(() => spans.Named("introspection.register").Any(), TestTimeouts.Condition, "the registration span ended");
        var register = Assert.Single(spans.Named("introspection.register"), s => (string?)s.GetTagItem("introspection.result") == "success");
        Assert.Equal(IntrospectionRegistrarTelemetry.ActivitySourceName, register.Source.Name);
        Assert.Equal(ActivityKind.Client, register.Kind);
        Assert.Equal(TelemetryScenario.App, register.GetTagItem("introspection.app"));
        Assert.Equal("initial", register.GetTagItem("introspection.registration.reason"));
        Assert.Equal(scenario.Registry.Port, register.GetTagItem("server.port"));
        Assert.NotNull(register.GetTagItem("introspection.instance.id"));
        Assert.Equal(64, ((string)register.GetTagItem("introspection.revision")!).Length);
        // The Register RPC's own client span (HttpClient) is a child: the registration is where a trace starts.
        Assert.Equal(ActivityStatusCode.Unset, register.Status);

        var fetch = spans.Named("introspection.metadata.fetch").First(s => (string?)s.GetTagItem("introspection.result") == "success");
        Assert.Equal(IntrospectionClientTelemetry.ActivitySourceName, fetch.Source.Name);
        Assert.Equal(ActivityKind.Client, fetch.Kind);
        Assert.Equal(TelemetryScenario.App, fetch.GetTagItem("introspection.app"));
        Assert.Equal(register.GetTagItem("introspection.revision"), fetch.GetTagItem("introspection.revision"));
        Assert.Equal(scenario.Provider.Port, fetch.GetTagItem("server.port"));
        Assert.Equal(default, fetch.ParentSpanId);

        var connect = Assert.Single(spans.Named("introspection.watch.connect"));
        Assert.Equal("snapshot", connect.GetTagItem("introspection.watch.mode"));
        Assert.Equal("success", connect.GetTagItem("introspection.result"));
        Assert.Equal(false, connect.GetTagItem("introspection.watch.reconnect"));
        Assert.Equal(scenario.Registry.Port, connect.GetTagItem("server.port"));

        // The registry does not add a span per RPC: it tags ASP.NET Core's server span of the call.
        var serverRegister = Assert.Single(spans.Spans, s => s.Source.Name == "Microsoft.AspNetCore" && (string?)s.GetTagItem("introspection.instance.id") == (string?)register.GetTagItem("introspection.instance.id") && s.GetTagItem("introspection.revision") is not null);
        Assert.Equal(TelemetryScenario.App, serverRegister.GetTagItem("introspection.app"));
        Assert.Equal(register.TraceId, serverRegister.TraceId);
    }

    [Fact]
    public async Task ResolvingCalls_AddsNoIntrospectionSpan()
    {
        using var spans = new SpanRecorder();
        await using var scenario = await TelemetryScenario.StartAsync();
        await scenario.CallUntilServedAsync();
        await Poll.UntilAsync(() => spans.Named("introspection.metadata.fetch").Any(), TestTimeouts.Condition, "the fetch span ended");
        var before = spans.OfIntrospection().Count;

        for (var i = 0; i < 25; i++)
        {
            await scenario.CallAsync();
        }

        var added = spans.OfIntrospection().Skip(before).ToArray();
        Assert.True(added.Length == 0, $"resolving calls added spans: {string.Join(", ", added.Select(a => a.OperationName))}");
        // The calls themselves are traced by grpc-dotnet/HttpClient as usual (not ours, not suppressed).
    }

    [Fact]
    public async Task RegistryRestartedEmpty_ReRegistrationSpanSaysLeaseLost()
    {
        using var spans = new SpanRecorder();
        await using var scenario = await TelemetryScenario.StartAsync();
        await scenario.CallUntilServedAsync();

        await scenario.RestartRegistryAsync();

        await Poll.UntilAsync(
            () => spans.Named("introspection.register").Any(s => (string?)s.GetTagItem("introspection.registration.reason") == "lease_lost" && (string?)s.GetTagItem("introspection.result") == "success"),
            TestTimeouts.Long,
            "the provider registers again after NOT_FOUND and says why");
        var again = spans.Named("introspection.register").First(s => (string?)s.GetTagItem("introspection.registration.reason") == "lease_lost");
        Assert.Equal(TelemetryScenario.App, again.GetTagItem("introspection.app"));

        // The consumer's Watch broke with the registry and came back: a reconnect span.
        await Poll.UntilAsync(
            () => spans.Named("introspection.watch.connect").Any(s => Equals(s.GetTagItem("introspection.watch.reconnect"), true) && (string?)s.GetTagItem("introspection.result") == "success"),
            TestTimeouts.Long,
            "the Watch reconnects");
    }

    [Fact]
    public async Task DeadFirstRegistryNode_FailoverAndFailedConnectSpans()
    {
        using var spans = new SpanRecorder();
        var deadPort = FreePort.Get();
        await using var scenario = await TelemetryScenario.StartAsync(url => $"http://127.0.0.1:{deadPort},{url}");
        await scenario.CallUntilServedAsync();

        var failover = Assert.Single(spans.Named("introspection.registry.failover"));
        Assert.Equal(IntrospectionClientTelemetry.ActivitySourceName, failover.Source.Name);
        Assert.Equal($"http://127.0.0.1:{deadPort}/", failover.GetTagItem("introspection.registry.address"));
        Assert.Equal(scenario.Registry.Address.ToString(), failover.GetTagItem("introspection.registry.next_address"));
        Assert.Equal(true, failover.GetTagItem("introspection.registry.same_entry"));

        // Whichever call met the dead node first (the service lookup or the Watch) moved on; the Watch runs on the live one.
        Assert.All(spans.Named("introspection.watch.connect").Where(s => s.Status == ActivityStatusCode.Error), s =>
        {
            Assert.Equal(deadPort, s.GetTagItem("server.port"));
            Assert.NotNull(s.GetTagItem("error.type"));
        });
        Assert.Contains(spans.Named("introspection.watch.connect"), s => (string?)s.GetTagItem("introspection.result") == "success" && Equals(s.GetTagItem("server.port"), scenario.Registry.Port));
    }

    [Fact]
    public async Task LapsedLease_RegistryEvictionSpan()
    {
        using var spans = new SpanRecorder();
        await using var registry = await RegistryHost.StartAsync();
        await registry.RegisterAsync("evicted", "e1", "127.0.0.1", 1, "0", ["x.Evicted"], ttl: TimeSpan.FromSeconds(1));

        await Poll.UntilAsync(() => spans.Named("introspection.registry.lease.evict").Any(), TestTimeouts.Long, "the sweep evicts the lapsed lease");
        var evict = spans.Named("introspection.registry.lease.evict").First();
        Assert.Equal(RegistryMetricNames.ActivitySourceName, evict.Source.Name);
        Assert.Equal(1L, evict.GetTagItem("introspection.lease.evicted_count"));
    }

    [Fact]
    public async Task ProviderStop_ShutdownSpanWithItsSteps()
    {
        using var spans = new SpanRecorder();
        await using var scenario = await TelemetryScenario.StartAsync();
        await scenario.CallUntilServedAsync();

        await scenario.Provider.StopAsync();

        var shutdown = Assert.Single(spans.Named("introspection.provider.shutdown"));
        Assert.Equal(Introspection.Provider.IntrospectionProviderTelemetry.ActivitySourceName, shutdown.Source.Name);
        Assert.Equal(ActivityStatusCode.Unset, shutdown.Status);
        Assert.Equal(["deregistered", "refusing_calls"], shutdown.Events.Select(e => e.Name));
        Assert.Equal(1, shutdown.Events.First().Tags.Single(t => t.Key == "introspection.registration.count").Value);
    }
}
