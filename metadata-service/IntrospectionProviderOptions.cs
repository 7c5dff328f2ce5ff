using Introspection.Client;

namespace Introspection.Provider;

/// <summary>
/// Options of a provider instance, bound from the configuration section <see cref="SectionName"/>
/// (<c>appsettings.json</c>, environment <c>Introspection__Provider__Host</c>, command line
/// <c>--Introspection:Provider:Host=10.1.2.3</c>) and then from the delegate given to
/// <c>AddIntrospectionProvider</c>.
/// </summary>
/// <remarks>
/// <see cref="Services"/> and <see cref="Labels"/> are re-read when the configuration reloads: a
/// change that alters the metadata gives a new revision that is pushed to every registry. The
/// identity of the instance (<see cref="App"/>, <see cref="Namespace"/>, <see cref="Registries"/>,
/// <see cref="Host"/>, <see cref="Port"/>, <see cref="InstanceId"/>) is read once, at startup.
/// </remarks>
public sealed class IntrospectionProviderOptions
{
    /// <summary>The configuration section: <c>Introspection:Provider</c>.</summary>
    public const string SectionName = "Introspection:Provider";

    /// <summary>Application name registered and written into the metadata. Default: the host's <c>IHostEnvironment.ApplicationName</c>.</summary>
    public string? App { get; set; }

    /// <summary>Registry namespace (tenant/environment). Default: empty, the registry's default namespace.</summary>
    public string Namespace { get; set; } = string.Empty;

    /// <summary>
    /// The registries this instance registers with, one entry per registry (http://host:port).
    /// Every entry gets its own registration and lease (dual registration). One entry may list the
    /// nodes of one registry separated by commas (<c>http://r1:5300,http://r2:5300</c>): they are
    /// tried in turn on failure and share one lease. Default: none (the instance serves its
    /// metadata but does not register, and says so in the log).
    /// </summary>
    public IList<string> Registries { get; } = new List<string>();

    /// <summary>
    /// Host registered for consumers to dial: an IP literal or a DNS name that other hosts can
    /// reach. Default: derived from the address the server listens on: that IP when it listens
    /// on one; the first non-loopback IP of the machine when it listens on all interfaces (or on
    /// loopback when the machine has no other). Set it in containers and Kubernetes (the pod IP).
    /// </summary>
    public string? Host { get; set; }

    /// <summary>
    /// The environment variable holding the host to register when <see cref="Host"/> is not set: in Kubernetes, the pod
    /// IP given by the downward API (<c>valueFrom.fieldRef.fieldPath: status.podIP</c>). Startup fails when the variable
    /// is named but not set. Default: <c>null</c>, meaning <c>POD_IP</c> when running in a pod
    /// (<c>KUBERNETES_SERVICE_HOST</c> set) and that variable is set; otherwise the listening address decides.
    /// </summary>
    public string? HostFromEnvironment { get; set; }

    /// <summary>Port registered. Default: the port of the first address the server listens on.</summary>
    public int? Port { get; set; }

    /// <summary>Instance id, unique within the app. Default: <c>host:port</c> as registered.</summary>
    public string? InstanceId { get; set; }

    /// <summary>A few small labels (zone, weight, ...) stored with the instance in the registry. Default: none.</summary>
    public IDictionary<string, string> Labels { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Per-service settings keyed by full gRPC service name (<c>greet.Greeter</c>). They override
    /// <see cref="IntrospectionServiceAttribute"/> on the service class. Default: none.
    /// </summary>
    public IDictionary<string, IntrospectionServiceOptions> Services { get; } = new Dictionary<string, IntrospectionServiceOptions>(StringComparer.Ordinal);

    /// <summary>
    /// Also list the app's HTTP endpoints (minimal APIs, controllers: route templates and methods) in its metadata,
    /// so HttpClient and gateway consumers can pick instances by route; an HTTP-only app (no gRPC service) turns this
    /// on to describe what it serves (its metadata endpoint is still gRPC). Off by default so that a gRPC app that
    /// also maps HTTP routes keeps the revision it has. Default: false.
    /// </summary>
    public bool DescribeHttpEndpoints { get; set; }

    /// <summary>Lease TTL asked of the registry (it clamps it to its range); renewals are sent every third of the granted TTL. Default: 15 s.</summary>
    public TimeSpan LeaseTtl { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a starting instance may take to register with at least one registry. Default: 30 s.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// When true (default), an instance that cannot register within <see cref="StartupTimeout"/>
    /// logs why, sets the process exit code to 1 and stops the host: a new node that nobody can
    /// discover should not pretend to be up. When false it keeps serving and keeps trying.
    /// </summary>
    public bool StopOnStartupFailure { get; set; } = true;

    /// <summary>Deadline of each unary registry call (Register, UpdateInstance, Deregister, MapService) and of the connection attempt. Default: 5 s.</summary>
    public TimeSpan RegistryCallTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Consecutive failed renewals with one registry after which the failure is logged as an error and the health check reports unhealthy. Default: 3.</summary>
    public int UnhealthyAfterFailures { get; set; } = 3;

    /// <summary>
    /// When set, an instance that no registry has accepted a registration or renewal from for this
    /// long logs a critical message, sets the process exit code to 1 and stops the host (graceful
    /// shutdown included), so an orchestrator restarts it or pages someone (the seed: a provider
    /// that cannot keep its heartbeat for a while alerts and considers exiting). The clock starts
    /// when the host has started, and restarts at every accepted registration or renewal with any
    /// registry. Default: null, keep serving forever: consumers that cached this instance can
    /// still use it while the registry is away, which is why old nodes keep serving by default.
    /// Pick it well above the registry outages you want to ride out (minutes, not seconds).
    /// </summary>
    public TimeSpan? ExitAfterRegistryLoss { get; set; }

    /// <summary>
    /// Hooks into the channels to registry nodes (TLS, client certificates, call credentials, resilience
    /// handlers), applied after the provider's defaults. <c>Tls</c> and <c>AccessToken</c> are bound from
    /// <c>Introspection:Provider:RegistryChannel</c>; the delegates and the token source are set in code.
    /// Default: none set.
    /// </summary>
    public RegistryChannelOptions RegistryChannel { get; set; } = new();

    /// <summary>
    /// Who may read the metadata endpoint (<c>Introspection:Provider:Metadata:RequireAuthorization</c>,
    /// <c>...:AuthorizationPolicy</c>). Read when <c>MapIntrospectionMetadata()</c> runs. Default: anyone.
    /// </summary>
    public IntrospectionMetadataEndpointOptions Metadata { get; set; } = new();

    /// <summary>Longest wait between two reconnection attempts to a registry (jittered exponential backoff; never more than half the renewal interval). Default: 10 s.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many previous revisions are still served beside the current one. Default: 16.</summary>
    public int RevisionHistoryCount { get; set; } = 16;

    /// <summary>How long a previous revision is still served after it was replaced. Default: 10 min.</summary>
    public TimeSpan RevisionRetention { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Shutdown: wait between deregistering and refusing new calls, so consumers learn of the removal first. Default: 2 s.</summary>
    public TimeSpan PropagationDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Shutdown: the whole sequence (deregister, propagation delay, drain in-flight calls and
    /// tracked work) gives up after this long. The host's <c>HostOptions.ShutdownTimeout</c> is
    /// raised to at least this plus 5 s so the host does not cut the sequence short. Default: 25 s.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>Apache Dubbo 3.3 interop (<c>Dubbo:Enabled</c>, <c>Dubbo:RegisterLabels</c>). Default: both off.</summary>
    public DubboInteropOptions Dubbo { get; set; } = new();
}
