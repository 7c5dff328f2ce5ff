using Introspection.Client.Internal;

namespace Introspection.Client;

/// <summary>
/// A live view of one endpoint's lease with one registry (one entry of
/// <see cref="IntrospectionRegistrarOptions.Registries"/>): every read returns the current value, so a health
/// check or dashboard can hold on to it.
/// </summary>
public sealed class RegistryLeaseStatus
{
    private readonly RegistryLeaseKeeper _keeper;
    private readonly int _unhealthyAfterFailures;

    internal RegistryLeaseStatus(RegistryLeaseKeeper keeper, int unhealthyAfterFailures)
    {
        _keeper = keeper;
        _unhealthyAfterFailures = unhealthyAfterFailures;
    }

    /// <summary>The registry as configured (its comma-separated node addresses).</summary>
    public string Registry => _keeper.Name;

    /// <summary>True while the registry holds a lease for the endpoint (as far as the last answer said).</summary>
    public bool IsRegistered => _keeper.IsRegistered;

    /// <summary>The lease id the registry granted; 0 while not registered.</summary>
    public long LeaseId => _keeper.LeaseId;

    /// <summary>Failures in a row (renewals, registrations, broken streams); 0 after any success.</summary>
    public int ConsecutiveFailures => _keeper.ConsecutiveFailures;

    /// <summary>False once <see cref="ConsecutiveFailures"/> reaches <see cref="IntrospectionRegistrarOptions.UnhealthyAfterFailures"/>.</summary>
    public bool IsHealthy => ConsecutiveFailures < _unhealthyAfterFailures;

    /// <summary>The last failure (node address and reason) while failing; null after a success.</summary>
    public string? LastError => _keeper.LastError;

    /// <summary>When (on the registrar's <see cref="TimeProvider"/>) the registry last accepted a registration or renewal; null before the first.</summary>
    public DateTimeOffset? LastAccepted => _keeper.LastAccepted;

    /// <summary>The current renewal interval: a third of the TTL the registry granted.</summary>
    public TimeSpan RenewInterval => _keeper.RenewInterval;

    internal RegistryLeaseKeeper Keeper => _keeper;
}
