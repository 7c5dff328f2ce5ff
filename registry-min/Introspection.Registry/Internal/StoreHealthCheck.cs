using Introspection.Registry.Stores;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Introspection.Registry.Internal;

/// <summary>Healthy while the store answers: the registry can serve only what its store can read.</summary>
internal sealed class StoreHealthCheck(IRegistryStore store) : IHealthCheck
{
    public const string Name = "store";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var revision = await store.GetRevisionAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"Store '{store.Name}' at revision {revision}.");
        }
        catch (RegistryStoreUnavailableException ex)
        {
            return HealthCheckResult.Unhealthy($"Store '{store.Name}' is unavailable.", ex);
        }
    }
}
