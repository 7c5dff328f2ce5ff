using System.Diagnostics.Metrics;
using Introspection.Registry.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Introspection.Registry.Tests.Infrastructure;

/// <summary>Builds the registry's internal parts by hand for unit tests.</summary>
internal static class TestServices
{
    public static IMeterFactory MeterFactory { get; } = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();

    public static RegistryMetrics Metrics() => new(MeterFactory);

    public static IOptions<RegistryOptions> Options(Action<RegistryOptions>? configure = null)
    {
        var options = new RegistryOptions();
        configure?.Invoke(options);
        return Microsoft.Extensions.Options.Options.Create(options);
    }
}
