using Introspection.Registry;
using Introspection.Telemetry.Tests.Infrastructure;

namespace Introspection.Telemetry.Tests;

/// <summary>The duration histograms and renamed counters, recorded by a real registry, provider and consumer, asserted by name and attributes.</summary>
public sealed class MetricsTests
{
    private static string? Tag(KeyValuePair<string, object?>[] tags, string key) => tags.FirstOrDefault(t => t.Key == key).Value?.ToString();

    [Fact]
    public async Task CallThroughDiscovery_RecordsDurationsAndLags()
    {
        using var recorder = new MeasurementRecorder();
        await using var scenario = await TelemetryScenario.StartAsync();
        await scenario.CallUntilServedAsync();
        await scenario.AddInstanceAsync();
        await Poll.UntilAsync(() => recorder.Of(RegistryMetricNames.DeliveryLag).Any(), TestTimeouts.Condition, "the registry delivered a change to the consumer's watch");

        var fetch = Assert.Single(recorder.Of("introspection.client.metadata.fetch.duration"));
        Assert.Equal("success", Tag(fetch.Tags, "introspection.result"));
        Assert.InRange(fetch.Value, 0, TestTimeouts.Call.TotalSeconds);
        Assert.Equal(1, recorder.Of("introspection.client.metadata.fetches").Where(m => Tag(m.Tags, "introspection.result") == "success").Sum(m => m.Value));

        await Poll.UntilAsync(() => recorder.Of("introspection.registrar.registration.duration").Any(), TestTimeouts.Condition, "the registration's duration is recorded");
        var registration = Assert.Single(recorder.Of("introspection.registrar.registration.duration"));
        Assert.Equal("success", Tag(registration.Tags, "introspection.result"));
        Assert.Equal("initial", Tag(registration.Tags, "introspection.registration.reason"));
        Assert.Equal(scenario.Registry.Url, Tag(registration.Tags, "introspection.registry.address"));
        Assert.InRange(registration.Value, 0, TestTimeouts.Call.TotalSeconds);

        Assert.Contains(recorder.Of("introspection.client.watch.apply.lag"), m => Tag(m.Tags, "introspection.watch.kind") == "snapshot");
        await Poll.UntilAsync(() => recorder.Of("introspection.client.watch.apply.lag").Any(m => Tag(m.Tags, "introspection.watch.kind") == "delta"), TestTimeouts.Condition, "the consumer applied the delta");
        Assert.All(recorder.Of(RegistryMetricNames.DeliveryLag), m => Assert.InRange(m.Value, 0, TestTimeouts.Call.TotalSeconds));
        Assert.Contains(recorder.Of("introspection.client.metadata.cache.lookups"), m => Tag(m.Tags, "introspection.result") == "miss");
        Assert.Contains(recorder.Of(RegistryMetricNames.BytesPushed), m => Tag(m.Tags, "network.io.direction") == "transmit" && m.Value > 0);
        Assert.Contains(recorder.Of("introspection.provider.metadata.requests"), m => Tag(m.Tags, "introspection.result") == "OK");
    }

    [Fact]
    public async Task RegistryRestartedEmpty_RegistrationCountedAsLeaseLost()
    {
        using var recorder = new MeasurementRecorder();
        await using var scenario = await TelemetryScenario.StartAsync();
        await scenario.CallUntilServedAsync();

        await scenario.RestartRegistryAsync();

        await Poll.UntilAsync(
            () => recorder.Of("introspection.registrar.registrations").Any(m => Tag(m.Tags, "introspection.registration.reason") == "lease_lost"),
            TestTimeouts.Long,
            "the re-registration is counted with its reason");
        // The duration is recorded once the mapping after the Register call is done too: a moment after the count.
        await Poll.UntilAsync(
            () => recorder.Of("introspection.registrar.registration.duration").Any(m => Tag(m.Tags, "introspection.registration.reason") == "lease_lost" && Tag(m.Tags, "introspection.result") == "success"),
            TestTimeouts.Condition,
            "the re-registration's duration is recorded");
        Assert.Contains(recorder.Of(RegistryMetricNames.Renewals), m => Tag(m.Tags, "introspection.result") == "not_found");
    }
}
