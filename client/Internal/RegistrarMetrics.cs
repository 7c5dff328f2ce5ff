using System.Diagnostics.Metrics;

namespace Introspection.Client.Internal;

/// <summary>
/// The registrar's instruments on the meter <see cref="IntrospectionRegistrar.MeterName"/>, and the
/// <see cref="IRegistrationObserver"/> told of the same events: one call site per event for both.
/// </summary>
internal sealed class RegistrarMetrics : IDisposable
{
    public const string Registrations = "introspection.registrar.registrations";
    public const string RegistrationDuration = "introspection.registrar.registration.duration";
    public const string Renewals = "introspection.registrar.renewals";
    public const string Failures = "introspection.registrar.failures";

    /// <summary>A Register call (plus the mapping that follows it): milliseconds, up to the registry call timeout.</summary>
    internal static readonly double[] RegistrationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Meter? _ownedMeter;
    private readonly Counter<long> _registrations;
    private readonly Histogram<double> _registrationDuration;
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

        _registrations = meter.CreateCounter<long>(Registrations, "{registration}", "Successful Register calls, by introspection.registration.reason: initial, or lease_lost (again after the registry answered NOT_FOUND).");
        _registrationDuration = meter.CreateHistogram(
            RegistrationDuration,
            "s",
            "Registration latency: the Register call and the service mapping after it, by introspection.result (success, error) and introspection.registration.reason.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RegistrationBuckets });
        _renewals = meter.CreateCounter<long>(Renewals, "{renewal}", "Lease renewals the registry confirmed.");
        _renewalFailures = meter.CreateCounter<long>(Failures, "{failure}", "Renewals or registrations that failed (error answer, timeout or broken stream).");
        _observer = observer;
    }

    public void Registered(string registry, bool leaseLost)
    {
        _registrations.Add(
            1,
            new KeyValuePair<string, object?>(TelemetryTags.RegistryAddress, registry),
            new KeyValuePair<string, object?>(TelemetryTags.RegistrationReason, leaseLost ? "lease_lost" : "initial"));
        _observer?.OnRegistered(registry);
    }

    public void RegistrationCompleted(string registry, bool leaseLost, bool succeeded, TimeSpan duration) =>
        _registrationDuration.Record(
            duration.TotalSeconds,
            new KeyValuePair<string, object?>(TelemetryTags.RegistryAddress, registry),
            new KeyValuePair<string, object?>(TelemetryTags.RegistrationReason, leaseLost ? "lease_lost" : "initial"),
            new KeyValuePair<string, object?>(TelemetryTags.Result, succeeded ? "success" : "error"));

    public void Renewed(string registry)
    {
        _renewals.Add(1, new KeyValuePair<string, object?>(TelemetryTags.RegistryAddress, registry));
        _observer?.OnRenewed(registry);
    }

    public void RenewalFailed(string registry)
    {
        _renewalFailures.Add(1, new KeyValuePair<string, object?>(TelemetryTags.RegistryAddress, registry));
        _observer?.OnRenewalFailed(registry);
    }

    public void Dispose() => _ownedMeter?.Dispose();
}
