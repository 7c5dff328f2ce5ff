using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Introspection.Metadata.Internal;

/// <summary>Adds the registration health check once, however often AddIntrospectionProvider is called.</summary>
internal sealed class HealthCheckSetup : IConfigureOptions<HealthCheckServiceOptions>
{
    public void Configure(HealthCheckServiceOptions options)
    {
        if (options.Registrations.Any(r => r.Name == RegistrationHealthCheck.Name))
        {
            return;
        }

        options.Registrations.Add(new HealthCheckRegistration(
            RegistrationHealthCheck.Name,
            sp => (IHealthCheck)Microsoft.Extensions.DependencyInjection.ActivatorUtilities.GetServiceOrCreateInstance(sp, typeof(RegistrationHealthCheck)),
            failureStatus: HealthStatus.Unhealthy,
            tags: ["introspection", "registry", "ready"]));
    }
}
