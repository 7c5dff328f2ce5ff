namespace Introspection.Client;

/// <summary>Options of the discovery client (bound from the <c>Introspection:Client</c> configuration section).</summary>
public sealed class IntrospectionClientOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Introspection:Client";

    /// <summary>
    /// Registries (<c>http://host:port</c> or <c>https://host:port</c>; DNS names allowed). Each entry is one
    /// registry; several entries are independent registries the providers all register with (dual registration).
    /// An entry may list several addresses separated by commas: the nodes of that one registry, sharing one store
    /// and one revision history. The client keeps one Watch stream open to one address at a time and fails over
    /// to the next when it stops answering; a move to another node of the same entry resumes the Watch from its
    /// last revision, a move to another entry starts from a snapshot. Default: none. At least one is required unless every
    /// service used is pinned through <see cref="StaticEndpoints"/>.
    /// </summary>
    public IList<string> Registries { get; } = new List<string>();

    /// <summary>Registry namespace (tenant/environment). Default: <c>""</c> (the registry's default namespace).</summary>
    public string Namespace { get; set; } = string.Empty;

    /// <summary>
    /// Services discovered eagerly at startup, as <c>service[?group=..&amp;version=..&amp;app=..]</c> (for example
    /// <c>greet.Greeter?version=2</c>). Startup fails when one of them cannot be discovered within
    /// <see cref="StartupTimeout"/>. Default: none (every service is discovered lazily, on first use).
    /// </summary>
    public IList<string> Services { get; } = new List<string>();

    /// <summary>How long eager discovery may take before startup fails. Default: 10 seconds.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the first resolution of a service waits for the registry and for metadata before it answers
    /// with what it has (or UNAVAILABLE when that is nothing). Default: 10 seconds.
    /// </summary>
    public TimeSpan ResolveTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Empty protection: when every instance of an app disappears at once, keep routing to its last
    /// non-empty list (a registry that lost its data is more likely than a whole app dying at once).
    /// Default: <c>true</c>.
    /// </summary>
    public bool EmptyProtection { get; set; } = true;

    /// <summary>Whether the discovered view is written to <see cref="SnapshotPath"/> and read back at startup. Default: <c>true</c>.</summary>
    public bool EnableSnapshot { get; set; } = true;

    /// <summary>
    /// File holding the last discovered view, so a client restarted while the registry is down starts from it.
    /// Default: <c>null</c>, meaning <c>{temp}/introspection/{entry assembly name}.{namespace, or "default"}.view.json</c>.
    /// </summary>
    public string? SnapshotPath { get; set; }

    /// <summary>
    /// How long a first resolution that only the disk snapshot can answer waits for the registry before the
    /// snapshot is served (the live view replaces it as soon as it arrives). A healthy registry answers within
    /// milliseconds, so a fresh start still prefers the live view over an old file; a registry that accepts
    /// connections and never answers is only declared failed at <see cref="RegistryCallTimeout"/>, as long as a
    /// typical call deadline, so without this grace the first calls of a restarted client would fail.
    /// <see cref="TimeSpan.Zero"/> serves the snapshot at once. Default: 1 second.
    /// </summary>
    public TimeSpan SnapshotGracePeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Changes within this window are written to the snapshot file once. Default: 1 second.</summary>
    public TimeSpan SnapshotDebounce { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Upper bound, in bytes of serialized metadata, of the (app, revision) metadata cache
    /// (<c>MemoryCacheOptions.SizeLimit</c>). Default: 16 MiB.
    /// </summary>
    public long MetadataCacheSizeLimit { get; set; } = 16 * 1024 * 1024;

    /// <summary>Deadline of one MetadataService call. Default: 5 seconds.</summary>
    public TimeSpan MetadataFetchTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>First delay before a failed metadata fetch is tried again (doubling, with jitter). Default: 200 milliseconds.</summary>
    public TimeSpan MetadataRetryInitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest delay between metadata fetch rounds. Default: 30 seconds.</summary>
    public TimeSpan MetadataRetryMaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Deadline of one unary registry call (LookupService). Default: 5 seconds.</summary>
    public TimeSpan RegistryCallTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>First delay before reconnecting to the registry (doubling, with jitter). Default: 250 milliseconds.</summary>
    public TimeSpan RegistryRetryInitialBackoff { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest delay between registry reconnection attempts. Default: 5 seconds.</summary>
    public TimeSpan RegistryRetryMaxBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// HTTP/2 keep-alive ping interval on registry connections, so a registry that vanished without closing
    /// the connection is noticed. Default: 15 seconds.
    /// </summary>
    public TimeSpan RegistryKeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Largest message, in bytes, accepted from a registry (the channels' <c>MaxReceiveMessageSize</c>). A Watch
    /// SNAPSHOT carries every watched instance in one message, which passes grpc-dotnet's 4 MB default at roughly
    /// 25k instances. Must be at least 4 MiB. Default: 64 MiB.
    /// </summary>
    public int RegistryMaxReceiveMessageSize { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// Hooks into the channels to the registry nodes (TLS, client certificates, call credentials, resilience
    /// handlers). They run after the client's own defaults (keep-alive pings, connect timeout, DNS refresh).
    /// Default: none.
    /// </summary>
    public RegistryChannelOptions RegistryChannel { get; set; } = new();

    /// <summary>
    /// Debug override ("IP direct"): service name → <c>host:port</c> (several separated by commas). A pinned
    /// service never touches the registry. Example key: <c>Introspection:Client:StaticEndpoints:greet.Greeter</c>.
    /// Default: empty.
    /// </summary>
    public IDictionary<string, string> StaticEndpoints { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Named groups of registries (<c>Introspection:Client:RegistryGroups:core:Registries:0=http://...</c>), for
    /// services that are discovered elsewhere than the default <see cref="Registries"/> (registries split by business).
    /// A service uses a group when <see cref="ServiceSources"/> names it. Default: none.
    /// </summary>
    public IDictionary<string, RegistryGroupOptions> RegistryGroups { get; } = new Dictionary<string, RegistryGroupOptions>(StringComparer.Ordinal);

    /// <summary>
    /// Per service (full gRPC service name → source): a registry group, DNS, or a static pin instead of the default
    /// registry. <see cref="StaticEndpoints"/> wins over an entry here. Default: none (every service from <see cref="Registries"/>).
    /// </summary>
    public IDictionary<string, ServiceSourceOptions> ServiceSources { get; } = new Dictionary<string, ServiceSourceOptions>(StringComparer.Ordinal);

    /// <summary>
    /// How provider instances are dialled: the scheme of <c>introspect:///</c> channels, TLS trust and client
    /// certificate, the bearer token of metadata fetches. Default: h2c channels, system trust, no token.
    /// </summary>
    public ProviderChannelOptions ProviderChannel { get; set; } = new();

    /// <summary>
    /// Legacy switch from before instances said their scheme: true dials every instance that registers no
    /// <c>scheme</c> label over https, and makes <c>introspect:///</c> channels https (as
    /// <see cref="ProviderChannelOptions.Scheme"/> = <c>https</c>). Trust settings are in
    /// <see cref="ProviderChannelOptions.Tls"/>. Default: <c>false</c>.
    /// </summary>
    [Obsolete("Providers now register a 'scheme' label that the client follows. Set ProviderChannel:Scheme=https for introspect:/// channels and ProviderChannel:Tls for trust; UseTls only remains to dial unlabeled (older) providers over https.")]
    public bool UseTls { get; set; }

    /// <summary>
    /// Whether gRPC clients created by <c>AddGrpcClient</c> with an <c>introspect:///</c> address get the default
    /// service config (round_robin and a retry policy for UNAVAILABLE) when they configure none. Default: <c>true</c>.
    /// </summary>
    public bool ApplyDefaultServiceConfig { get; set; } = true;

    /// <summary>
    /// HTTP/2 keep-alive: after this long without a frame from a provider while calls are in flight, a ping is sent
    /// on the connection (the <c>SocketsHttpHandler</c> of <c>AddGrpcClient</c> clients with an
    /// <c>introspect:///</c> address, unless the application set its own keep-alive). A hung provider (stopped,
    /// deadlocked, a link that died without a reset) is then noticed within this delay plus
    /// <see cref="ProviderKeepAlivePingTimeout"/>, instead of every call on it waiting out its deadline.
    /// <see cref="Timeout.InfiniteTimeSpan"/> turns pings off. Default: 10 seconds — below typical call deadlines
    /// (so the retry policy still has time to move a call) and far above a busy provider's response gaps, at the
    /// cost of a few bytes per connection every 10 s.
    /// </summary>
    public TimeSpan ProviderKeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a keep-alive ping to a provider may go unanswered before the connection is closed and its calls
    /// fail with UNAVAILABLE (retried on another instance). Default: 5 seconds — a healthy process answers a ping
    /// from its I/O thread in milliseconds, so 5 s rides out GC pauses and loaded hosts without false alarms.
    /// </summary>
    public TimeSpan ProviderKeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts (first call included) of the default retry policy for UNAVAILABLE. Default: 5.</summary>
    public int DefaultRetryMaxAttempts { get; set; } = 5;
}
