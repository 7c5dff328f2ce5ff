using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Introspection.Registry.Leases;

/// <summary>
/// Unhealthy while self-preservation pauses eviction. Mapped to the grpc.health.v1 service name
/// <c>introspection.registry.v1.Registry.Eviction</c> only, so the registry itself keeps reporting
/// SERVING (it still answers every call) while the flag is visible to monitoring.
/// </summary>
internal sealed class SelfPreservationHealthCheck(SelfPreservationGuard guard) : IHealthCheck
{
    public const string Name = "self-preservation";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(guard.IsPaused
            ? HealthCheckResult.Unhealthy("Self-preservation: eviction of lapsed leases is paused.")
            : HealthCheckResult.Healthy("Eviction is running."));
}
