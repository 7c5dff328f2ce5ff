using Introspection.Registry.Internal;

namespace Introspection.Registry.Tests.Validation;

public sealed class RegistryOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeeds() =>
        Assert.True(new RegistryOptionsValidator().Validate(null, new RegistryOptions()).Succeeded);

    [Theory]
    [InlineData("Leases:MinTtl")]
    [InlineData("Leases:MaxTtl")]
    [InlineData("SelfPreservation:Threshold")]
    [InlineData("Watch:CoalescingWindow")]
    [InlineData("Watch:QueueCapacity")]
    [InlineData("History:MaxEvents")]
    [InlineData("Leases:Probe:Timeout")]
    [InlineData("Leases:Probe:MaxConsecutiveExtensions")]
    [InlineData("Leases:Probe:Concurrency")]
    [InlineData("Limits:MaxNamespaces")]
    [InlineData("Limits:MaxInstancesPerNamespace")]
    [InlineData("Limits:MaxServicesPerApp")]
    [InlineData("Limits:MaxMappingsPerNamespace")]
    [InlineData("Limits:MaxServicesPerMapService")]
    [InlineData("Limits:MaxWatchStreamsPerNamespace")]
    [InlineData("Limits:UnmapAfter")]
    public void Validate_BadValue_FailsNamingKey(string key)
    {
        var options = new RegistryOptions();
        switch (key)
        {
            case "Leases:MinTtl": options.Leases.MinTtl = TimeSpan.Zero; break;
            case "Leases:MaxTtl": options.Leases.MaxTtl = TimeSpan.FromSeconds(1); break;
            case "SelfPreservation:Threshold": options.SelfPreservation.Threshold = 1.5; break;
            case "Watch:CoalescingWindow": options.Watch.CoalescingWindow = TimeSpan.FromSeconds(5); break;
            case "Watch:QueueCapacity": options.Watch.QueueCapacity = 0; break;
            case "History:MaxEvents": options.History.MaxEvents = 0; break;
            case "Leases:Probe:Timeout": options.Leases.Probe.Timeout = TimeSpan.Zero; break;
            case "Leases:Probe:MaxConsecutiveExtensions": options.Leases.Probe.MaxConsecutiveExtensions = -1; break;
            case "Leases:Probe:Concurrency": options.Leases.Probe.Concurrency = 0; break;
            case "Limits:MaxNamespaces": options.Limits.MaxNamespaces = 0; break;
            case "Limits:MaxInstancesPerNamespace": options.Limits.MaxInstancesPerNamespace = 0; break;
            case "Limits:MaxServicesPerApp": options.Limits.MaxServicesPerApp = -1; break;
            case "Limits:MaxMappingsPerNamespace": options.Limits.MaxMappingsPerNamespace = 0; break;
            case "Limits:MaxServicesPerMapService": options.Limits.MaxServicesPerMapService = 1025; break;
            case "Limits:MaxWatchStreamsPerNamespace": options.Limits.MaxWatchStreamsPerNamespace = 0; break;
            case "Limits:UnmapAfter": options.Limits.UnmapAfter = TimeSpan.Zero; break;
        }

        var result = new RegistryOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Registry:" + key, result.FailureMessage, StringComparison.Ordinal);
    }
}
