using System.Diagnostics.Metrics;
using Introspection.Client;

namespace Introspection.Provider.Internal;

/// <summary>
/// The provider's instruments, on the meter <see cref="MeterName"/>. Told of lease events as the
/// registrar's <see cref="IRegistrationObserver"/>, so the provider's instrument names stay what
/// dashboards already query while the registrar records its own (<see cref="IntrospectionRegistrar.MeterName"/>).
/// </summary>
internal sealed class ProviderMetrics : IRegistrationObserver
{
    public const string MeterName = "Introspection.Provider";

    private readonly Counter<long> _registrations;
    private readonly Counter<long> _renewals;
    private readonly Counter<long> _renewalFailures;
    private readonly Counter<long> _metadataRequests;

    public ProviderMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _registrations = meter.CreateCounter<long>("introspection.provider.registrations", "{registration}", "Successful Register calls, initial and after a lost lease.");
        _renewals = meter.CreateCounter<long>("introspection.provider.renewals", "{renewal}", "Lease renewals the registry confirmed.");
        _renewalFailures = meter.CreateCounter<long>("introspection.provider.renewal_failures", "{failure}", "Renewals that failed (error answer, timeout or broken stream).");
        _metadataRequests = meter.CreateCounter<long>("introspection.provider.metadata_requests", "{request}", "GetMetadataInfo calls answered, by status.");
    }

    public void Registered(string registry) => _registrations.Add(1, new KeyValuePair<string, object?>("registry", registry));

    public void Renewed(string registry) => _renewals.Add(1, new KeyValuePair<string, object?>("registry", registry));

    public void RenewalFailed(string registry) => _renewalFailures.Add(1, new KeyValuePair<string, object?>("registry", registry));

    void IRegistrationObserver.OnRegistered(string registry) => Registered(registry);

    void IRegistrationObserver.OnRenewed(string registry) => Renewed(registry);

    void IRegistrationObserver.OnRenewalFailed(string registry) => RenewalFailed(registry);

    public void MetadataRequest(string status) => _metadataRequests.Add(1, new KeyValuePair<string, object?>("status", status));
}
