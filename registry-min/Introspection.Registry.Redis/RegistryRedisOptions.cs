namespace Introspection.Registry.Stores.Redis;

/// <summary>
/// The Redis store (<c>Introspection:Registry:Store=redis</c>), bound from the configuration section
/// <see cref="SectionName"/> (<c>--Introspection:Registry:Redis:Configuration=redis1:6379,redis2:6379</c>,
/// environment <c>Introspection__Registry__Redis__Configuration</c>).
/// </summary>
public sealed class RegistryRedisOptions
{
    /// <summary>The configuration section: <c>Introspection:Registry:Redis</c>.</summary>
    public const string SectionName = "Introspection:Registry:Redis";

    /// <summary>
    /// A StackExchange.Redis configuration string: endpoints plus options, e.g.
    /// <c>redis1:6379,redis2:6379,password=…,ssl=true</c>, or for Sentinel
    /// <c>sentinel1:26379,sentinel2:26379,serviceName=mymaster</c>. Required when the store is redis.
    /// <c>abortConnect</c> is always forced to false: the registry starts and keeps running while
    /// Redis is away and answers UNAVAILABLE until it is back. No default.
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>
    /// When <see cref="Configuration"/> is not set, the store runs on the application's own
    /// <c>IConnectionMultiplexer</c> from DI (as .NET Aspire's <c>AddRedisClient</c> registers it) instead of connecting
    /// itself: the unkeyed one, or the keyed one registered under this key (<c>AddKeyedRedisClient("registry")</c>).
    /// That multiplexer stays the application's: the store never disposes it, and its settings (timeouts,
    /// <c>abortConnect</c>, backlog policy) are the application's, not the ones this class forces on its own
    /// connection. Default: <c>null</c> (the unkeyed multiplexer, if the application registered one).
    /// </summary>
    public string? ConnectionServiceKey { get; set; }

    /// <summary>
    /// Names this registry inside Redis: every key is <c>{KeyPrefix}:…</c>, so all keys of one registry
    /// share one hash slot (required for the atomic Lua scripts on Redis Cluster). Registries with
    /// different prefixes are independent and, on a Cluster, land on different slots. Charset
    /// <c>[A-Za-z0-9._-]</c>. Default <c>introspection</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = "introspection";

    /// <summary>How long connecting to Redis may take before an attempt fails. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long one Redis operation may take before the call answers UNAVAILABLE (StackExchange.Redis
    /// SyncTimeout and AsyncTimeout). Default 2 s.
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The change-feed safety net: a node that waits for changes re-reads the revision at least this
    /// often even if no pub/sub notification arrived (pub/sub is fire-and-forget and is lost while a
    /// node reconnects). Default 1 s.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often every node touches the registry's clock in Redis. The clock is how an outage is
    /// measured: see <see cref="OutageThreshold"/>. Default 250 ms.
    /// </summary>
    public TimeSpan ClockInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// When no node touched the registry's clock in Redis for longer than this (Redis down, restarted,
    /// failed over, or every node cut off from it), every lease is extended by the whole gap on recovery,
    /// so no lease lapses because of the outage (etcd does the same on leader change). Must be at least
    /// twice <see cref="ClockInterval"/>. Zero disables the extension. Default 1 s.
    /// </summary>
    public TimeSpan OutageThreshold { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Durability: after every write (register, update, deregister, map, renew, evict) send Redis
    /// <c>WAIT WaitReplicas WaitTimeout</c> and acknowledge the call only when at least this many replicas
    /// have the write; otherwise the call answers UNAVAILABLE (the write is applied on the primary and may
    /// or may not survive a failover; the caller retries). Redis replicates asynchronously, so without it
    /// a failover can lose writes the registry acknowledged. Costs one round trip per write, and while
    /// replicas lag every write waits up to <see cref="WaitTimeout"/>. Zero disables it. Default 0.
    /// </summary>
    public int WaitReplicas { get; set; }

    /// <summary>
    /// How long one <c>WAIT</c> (see <see cref="WaitReplicas"/>) waits for replica acknowledgements. Must be
    /// positive and below <see cref="OperationTimeout"/>. Default 500 ms.
    /// </summary>
    public TimeSpan WaitTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Tests only: read the lease and history clock from the injected <see cref="TimeProvider"/> instead
    /// of Redis's <c>TIME</c>, and do not extend leases after gaps (a fake clock jumps).
    /// </summary>
    internal bool UseTimeProviderClock { get; set; }
}
