namespace Introspection.Registry;

/// <summary>
/// Registry-initiated check before eviction (the seed's "when one side's heartbeat fails, the other
/// side checks"): a lapsed lease is first probed on the instance's own <c>grpc.health.v1</c>
/// endpoint (<c>Health/Check</c> for <see cref="ServiceName"/> on <c>http://host:port</c>). SERVING
/// renews the lease through the store; anything else, a timeout or an unreachable port evicts it as
/// before. Bound from <c>Introspection:Registry:Leases:Probe</c>.
/// </summary>
public sealed class RegistryProbeOptions
{
    /// <summary>The grpc.health.v1 service name a provider answers SERVING for while it serves.</summary>
    public const string ServiceName = "introspection.metadata.v1.MetadataService";

    /// <summary>
    /// Whether lapsed leases are probed before eviction. Default false, because a probe needs the
    /// registry to reach every instance on its registered host and port (a path that often does not
    /// exist: NAT, firewalls, a registry in another network), opens connections from the registry
    /// to the instances, and keeps an instance registered while its own keep-alive loop is broken,
    /// which delays the discovery of that fault by up to <see cref="MaxConsecutiveExtensions"/> TTLs.
    /// Turn it on where the registry can reach the instances and flaky registry↔provider links
    /// cause needless evictions.
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>Deadline of one probe (connect included). Default 1 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many times in a row the registry renews a lease on the strength of a probe alone. After
    /// that the lease is evicted even if the probe still answers SERVING: an instance whose own
    /// keep-alive loop is broken must not be kept alive forever by the registry. The count is
    /// node-local and starts over when the instance renews the lease itself (or registers again).
    /// Default 3.
    /// </summary>
    public int MaxConsecutiveExtensions { get; set; } = 3;

    /// <summary>
    /// Most probes in flight at once during one sweep. One sweep stops starting new probes once it
    /// has spent <see cref="Timeout"/> probing, so a sweep lasts at most about twice
    /// <see cref="Timeout"/>; the leases it did not reach stay lapsed and are probed by the next
    /// sweep. Default 16.
    /// </summary>
    public int Concurrency { get; set; } = 16;

    /// <summary>
    /// PEM file of the CA(s) that sign instances' server certificates, for instances registered with the label
    /// <c>scheme=https</c>. Only these are trusted for probes when set; default: the system store.
    /// </summary>
    public string? TrustedCaFile { get; set; }

    /// <summary>PEM certificate the probe presents to instances whose metadata endpoint requires mutual TLS. Default none; needs <see cref="ClientKeyFile"/>.</summary>
    public string? ClientCertificateFile { get; set; }

    /// <summary>PEM private key of <see cref="ClientCertificateFile"/>.</summary>
    public string? ClientKeyFile { get; set; }
}
