namespace Introspection.Client;

/// <summary>Options of an <see cref="IntrospectionRegistrar"/>.</summary>
public sealed class IntrospectionRegistrarOptions
{
    /// <summary>The configuration section <c>AddIntrospectionRegistrar</c> binds: <c>Introspection:Registrar</c>.</summary>
    public const string SectionName = "Introspection:Registrar";

    /// <summary>
    /// Registries to register with (<c>http://host:port</c> or <c>https://host:port</c>). Each entry is one
    /// registry, and an endpoint is registered with every entry (dual registration during a migration); the
    /// comma-separated addresses inside an entry are nodes of one registry, tried in turn on failure and sharing
    /// one lease. Default: none (required).
    /// </summary>
    public IList<string> Registries { get; } = new List<string>();

    /// <summary>Lease TTL asked of the registry (it clamps it to its range); renewals are sent every third of the granted TTL. Default: 15 s.</summary>
    public TimeSpan LeaseTtl { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Deadline of each unary registry call (Register, UpdateInstance, Deregister, MapService) and of the connection attempt. Default: 5 s.</summary>
    public TimeSpan RegistryCallTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Consecutive failures with one registry after which the failure is logged as an error and <see cref="RegistryLeaseStatus.IsHealthy"/> turns false. Default: 3.</summary>
    public int UnhealthyAfterFailures { get; set; } = 3;

    /// <summary>Longest wait between two reconnection attempts to a registry (jittered exponential backoff; never more than half the renewal interval). Default: 10 s.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Hooks into the channels to registry nodes (TLS, credentials, resilience handlers). Default: none set.</summary>
    public RegistryChannelOptions Channel { get; set; } = new();

    /// <summary>Hears of registrations, renewals and failures besides the registrar's own meter. Default: null.</summary>
    public IRegistrationObserver? Observer { get; set; }
}
