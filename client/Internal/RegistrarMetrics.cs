using System.Diagnostics.Metrics;

namespace Introspection.Client.Internal;

/// <summary>
/// The registrar's instruments on the meter <see cref="IntrospectionRegistrar.MeterName"/>, and the
/// <see cref="IRegistrationObserver"/> told of the same events: one call site per event for both.
/// </summary>
internal sealed class RegistrarMetrics : IDisposable
{
    private readonly Meter? _ownedMeter;
    private readonly Counter<long> _registrations;
    private readonly Counter<long> _renewals;
    private readonly Counter<long> _renewalFailures;
    private readonly IRegistrationObserver? _observer;

    public RegistrarMetrics(IMeterFactory? meterFactory, IRegistrationObserver? observer)
    {
        // Without DI there is no factory: a plain Meter is still visible to MeterListener and OpenTelemetry by name.
        Meter meter;
        if (meterFactory is null)
        {
            meter = _ownedMeter = new Meter(IntrospectionRegistrar.MeterName);
        }
        else
        {
            meter = meterFactory.Create(IntrospectionRegistrar.MeterName);
        }

        _registrations = meter.CreateCounter<long>("introspection.registrar.registrations", "{registration}", "Successful Register calls, initial and after a lost lease.");
        _renewals = meter.CreateCounter<long>("introspection.registrar.renewals", "{renewal}", "Lease renewals the registry confirmed.");
        _renewalFailures = meter.CreateCounter<long>("introspection.registrar.renewal_failures", "{failure}", "Renewals or registrations that failed (error answer, timeout or broken stream).");
        _observer = observer;
    }

    public void Registered(string registry)
    {
        _registrations.Add(1, new KeyValuePair<string, object?>("registry", registry));
        _observer?.OnRegistered(registry);
    }

    public void Renewed(string registry)
    {
        _renewals.Add(1, new KeyValuePair<string, object?>("registry", registry));
        _observer?.OnRenewed(registry);
    }

    public void RenewalFailed(string registry)
    {
        _renewalFailures.Add(1, new KeyValuePair<string, object?>("registry", registry));
        _observer?.OnRenewalFailed(registry);
    }

    public void Dispose() => _ownedMeter?.Dispose();
}
