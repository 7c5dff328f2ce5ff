using System.Diagnostics.Metrics;

namespace Introspection.Registry.Security;

/// <summary>The counter of refused calls (<see cref="RegistryMetricNames.AuthDenials"/>), on the registry's meter.</summary>
internal sealed class RegistryAuthMetrics
{
    private readonly Counter<long> _denials;

    public RegistryAuthMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(RegistryMetricNames.MeterName);
        _denials = meter.CreateCounter<long>(RegistryMetricNames.AuthDenials, unit: "{call}", description: "Calls refused by authentication, authorization, ownership or a per-principal limit.");
    }

    /// <summary>reason: no_credentials, invalid_credentials, no_auth_configured, missing_grant, not_owner, limit.</summary>
    public void Denied(string reason) => _denials.Add(1, new KeyValuePair<string, object?>("introspection.reason", reason));
}
