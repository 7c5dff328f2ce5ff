using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Introspection.Registry.Tests.Functional;

public sealed class ShutdownTimeoutOptionsTests
{
    [Fact]
    public void AddIntrospectionRegistry_ConfigureDelegateSetsShutdownTimeout_HostUsesIt()
    {
        using var services = Build(new Dictionary<string, string?>(), o => o.ShutdownTimeout = TimeSpan.FromSeconds(7));

        Assert.Equal(TimeSpan.FromSeconds(7), services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
    }

    [Fact]
    public void AddIntrospectionRegistry_ConfigurationSetsShutdownTimeout_HostUsesIt()
    {
        using var services = Build(new Dictionary<string, string?> { ["Introspection:Registry:ShutdownTimeout"] = "00:00:03" }, null);

        Assert.Equal(TimeSpan.FromSeconds(3), services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
    }

    [Fact]
    public void AddIntrospectionRegistry_InvalidOptions_HostOptionsStillResolveWithoutValidation()
    {
        // Validation belongs to StartAsync (ValidateOnStart), not to whoever reads HostOptions.
        using var services = Build(new Dictionary<string, string?> { ["Introspection:Registry:Leases:MinTtl"] = "00:00:00" }, null);

        Assert.Equal(TimeSpan.FromSeconds(5), services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings, Action<RegistryOptions>? configure)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddIntrospectionRegistry(configure);
        return services.BuildServiceProvider();
    }
}
