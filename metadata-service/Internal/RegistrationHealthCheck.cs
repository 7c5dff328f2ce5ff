using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Introspection.Provider.Internal;

/// <summary>
/// Reports whether this instance is kept alive in its registries. Meant for readiness and
/// alerting, not liveness: an instance whose registry is down still serves the consumers that
/// cached it, and restarting it would not bring the registry back.
/// </summary>
internal sealed class RegistrationHealthCheck : IHealthCheck
{
    public const string Name = "introspection-registration";

    private readonly ProviderLifecycle _lifecycle;

    public RegistrationHealthCheck(ProviderLifecycle lifecycle) => _lifecycle = lifecycle;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var registrations = _lifecycle.Registrations;
        var data = registrations.ToDictionary(
            r => r.Registry,
            r => (object)(r.IsRegistered ? $"registered, {r.ConsecutiveFailures} failure(s)" : $"not registered: {r.LastError ?? "pending"}"));

        var result = _lifecycle.State switch
        {
            ProviderState.Failed => HealthCheckResult.Unhealthy("The instance could not register within its startup timeout.", data: data),
            ProviderState.ShuttingDown => HealthCheckResult.Unhealthy("The instance is shutting down (deregistered, draining).", data: data),
            _ when registrations.Any(r => r.ConsecutiveFailures >= _lifecycle.UnhealthyAfterFailures) =>
                HealthCheckResult.Unhealthy(
                    "Lease renewal keeps failing with " + string.Join(", ", registrations.Where(r => r.ConsecutiveFailures >= _lifecycle.UnhealthyAfterFailures).Select(r => r.Registry)) + "; the instance still serves.",
                    data: data),
            ProviderState.Starting => HealthCheckResult.Degraded("Registering.", data: data),
            _ when registrations.Any(r => !r.IsRegistered || r.ConsecutiveFailures > 0) => HealthCheckResult.Degraded("Some registrations are failing.", data: data),
            _ => HealthCheckResult.Healthy(registrations.Count == 0 ? "Not registering (no registry configured)." : "Registered.", data),
        };
        return Task.FromResult(result);
    }
}
