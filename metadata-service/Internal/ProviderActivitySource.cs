using System.Diagnostics;

namespace Introspection.Provider.Internal;

/// <summary>The provider's <see cref="ActivitySource"/> (<see cref="IntrospectionProviderTelemetry.ActivitySourceName"/>).</summary>
internal static class ProviderActivitySource
{
    public static readonly ActivitySource Instance = new(
        IntrospectionProviderTelemetry.ActivitySourceName,
        typeof(ProviderActivitySource).Assembly.GetName().Version?.ToString());

    /// <summary>The graceful shutdown: deregister, propagation delay, refuse new calls, drain; one event per step.</summary>
    public const string Shutdown = "introspection.provider.shutdown";
}
