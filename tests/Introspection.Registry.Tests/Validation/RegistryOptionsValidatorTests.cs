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
        }

        var result = new RegistryOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Registry:" + key, result.FailureMessage, StringComparison.Ordinal);
    }
}
