using System.Diagnostics;
using System.Diagnostics.Metrics;
using Introspection.Client;

namespace Introspection.Provider.Internal;

/// <summary>
/// The provider's instruments, on the meter <see cref="MeterName"/>. Told of lease events as the
/// registrar's <see cref="IRegistrationObserver"/>, so a provider's dashboards need only its own meter while the
/// registrar records its own (<see cref="IntrospectionRegistrar.MeterName"/>).
/// </summary>
internal sealed class ProviderMetrics : IRegistrationObserver
{
    public const string MeterName = IntrospectionProviderTelemetry.MeterName;

    public const string Registrations = "introspection.provider.registrations";
    public const string Renewals = "introspection.provider.renewals";
    public const string Failures = "introspection.provider.failures";
    public const string MetadataRequests = "introspection.provider.metadata.requests";

    /// <summary>The attribute names this meter shares with the client, the registrar and the registry.</summary>
    public const string RegistryAddressTag = "introspection.registry.address";
    public const string ResultTag = "introspection.result";
    public const string RevisionTag = "introspection.revision";

    private readonly Counter<long> _registrations;
    private readonly Counter<long> _renewals;
    private readonly Counter<long> _renewalFailures;
    private readonly Counter<long> _metadataRequests;

    public ProviderMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _registrations = meter.CreateCounter<long>(Registrations, "{registration}", "Successful Register calls, initial and after a lost lease.");
        _renewals = meter.CreateCounter<long>(Renewals, "{renewal}", "Lease renewals the registry confirmed.");
        _renewalFailures = meter.CreateCounter<long>(Failures, "{failure}", "Renewals or registrations that failed (error answer, timeout or broken stream).");
        _metadataRequests = meter.CreateCounter<long>(MetadataRequests, "{request}", "GetMetadataInfo calls answered, by introspection.result (the gRPC status: OK, NOT_FOUND, INVALID_ARGUMENT).");
    }

    public void Registered(string registry) => _registrations.Add(1, new KeyValuePair<string, object?>(RegistryAddressTag, registry));

    public void Renewed(string registry) => _renewals.Add(1, new KeyValuePair<string, object?>(RegistryAddressTag, registry));

    public void RenewalFailed(string registry) => _renewalFailures.Add(1, new KeyValuePair<string, object?>(RegistryAddressTag, registry));

    void IRegistrationObserver.OnRegistered(string registry) => Registered(registry);

    void IRegistrationObserver.OnRenewed(string registry) => Renewed(registry);

    void IRegistrationObserver.OnRenewalFailed(string registry) => RenewalFailed(registry);

    /// <summary>Counts the answer and tags ASP.NET Core's server span of the call (no span of our own: the hosting one is already there).</summary>
    public void MetadataRequest(string status, string? revision = null)
    {
        _metadataRequests.Add(1, new KeyValuePair<string, object?>(ResultTag, status));
        if (Activity.Current is { IsAllDataRequested: true } server)
        {
            server.SetTag(ResultTag, status);
            if (revision is not null)
            {
                server.SetTag(RevisionTag, revision.Length > 64 ? revision[..64] : revision);
            }
        }
    }
}
