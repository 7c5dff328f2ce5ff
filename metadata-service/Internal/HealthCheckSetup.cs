using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Introspection.Provider.Internal;

/// <summary>Adds the registration and serving health checks once, however often AddIntrospectionProvider is called.</summary>
internal sealed class HealthCheckSetup : IConfigureOptions<HealthCheckServiceOptions>
{
    public void Configure(HealthCheckServiceOptions options)
    {
        if (options.Registrations.Any(r => r.Name == RegistrationHealthCheck.Name))
        {
            return;
        }

        // Not tagged "ready"/"introspection": it answers the registry's probe, nothing else.
        options.Registrations.Add(new HealthCheckRegistration(
            ServingHealthCheck.Name,
            sp => (IHealthCheck)Microsoft.Extensions.DependencyInjection.ActivatorUtilities.GetServiceOrCreateInstance(sp, typeof(ServingHealthCheck)),
            failureStatus: HealthStatus.Unhealthy,
            tags: ["introspection-serving"]));

        options.Registrations.Add(new HealthCheckRegistration(
            RegistrationHealthCheck.Name,
            sp => (IHealthCheck)Microsoft.Extensions.DependencyInjection.ActivatorUtilities.GetServiceOrCreateInstance(sp, typeof(RegistrationHealthCheck)),
            failureStatus: HealthStatus.Unhealthy,
            tags: ["introspection", "registry", "ready"]));
    }
}
