using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Introspection.Provider.Internal;

/// <summary>
/// Whether this instance serves calls: healthy from startup until the graceful shutdown (or a
/// failed startup) begins. It is what grpc.health.v1 answers for
/// <see cref="Microsoft.AspNetCore.Builder.IntrospectionMetadataEndpointRouteBuilderExtensions.HealthServiceName"/>, the service
/// a registry probes before it evicts a lapsed lease.
/// </summary>
/// <remarks>
/// Deliberately blind to the registrations: the registry probes exactly when this instance's
/// renewals fail, so reporting failed renewals here would defeat the probe. That is what
/// <see cref="RegistrationHealthCheck"/> reports, on the other grpc.health.v1 names.
/// </remarks>
internal sealed class ServingHealthCheck : IHealthCheck
{
    public const string Name = "introspection-serving";

    private readonly ProviderLifecycle _lifecycle;
    private readonly ProviderDrain _drain;

    public ServingHealthCheck(ProviderLifecycle lifecycle, ProviderDrain drain)
    {
        _lifecycle = lifecycle;
        _drain = drain;
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = _lifecycle.State switch
        {
            ProviderState.ShuttingDown => HealthCheckResult.Unhealthy("The instance is shutting down."),
            ProviderState.Failed => HealthCheckResult.Unhealthy("The instance failed to start and is stopping."),
            _ when _drain.IsDraining => HealthCheckResult.Unhealthy("The instance is draining."),
            _ => HealthCheckResult.Healthy("Serving."),
        };
        return Task.FromResult(result);
    }
}
