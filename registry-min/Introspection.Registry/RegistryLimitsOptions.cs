using Introspection.Protocol;

namespace Introspection.Registry;

/// <summary>
/// Size limits that keep the registry minimal by construction; a registry may raise them (the bench's
/// "full" model does). Limits fixed by the wire contract (name lengths and charsets, 1024 apps per
/// Watch, 1..1024 services per MapService) are not options: they are <see cref="WireContract"/>'s
/// constants, and the label defaults here are <see cref="WireContract.DefaultMaxLabels"/> and its siblings.
/// A change past a cap answers RESOURCE_EXHAUSTED with a message naming the key; nothing is changed.
/// </summary>
public sealed class RegistryLimitsOptions
{
    /// <summary>Most labels per instance. Default 16.</summary>
    public int MaxLabels { get; set; } = WireContract.DefaultMaxLabels;

    /// <summary>Most UTF-8 bytes of all label keys plus values of one instance. Default 1024.</summary>
    public int MaxLabelBytes { get; set; } = WireContract.DefaultMaxLabelBytes;

    /// <summary>Most UTF-8 bytes of one label value. Default 256.</summary>
    public int MaxLabelValueBytes { get; set; } = WireContract.DefaultMaxLabelValueBytes;

    /// <summary>
    /// Most namespaces holding state (instances or mappings). Default 1000: namespaces are business
    /// domains or environments, a few dozen in practice; every one costs keys and watch filters.
    /// </summary>
    public int MaxNamespaces { get; set; } = 1000;

    /// <summary>
    /// Most instances in one namespace (a re-register of an existing instance always passes).
    /// Default 100000: the capacity the bench measures, and about four times the instances whose
    /// whole-namespace snapshot still fits a client's default 4 MB receive limit.
    /// </summary>
    public int MaxInstancesPerNamespace { get; set; } = 100_000;

    /// <summary>
    /// Most services one app may be mapped to. Default 1024, the most one MapService call may name on
    /// the wire: an app exposes tens of gRPC services, not thousands.
    /// </summary>
    public int MaxServicesPerApp { get; set; } = 1024;

    /// <summary>
    /// Most (service, app) mappings in one namespace. Default 50000: 1000 apps × 50 services, far
    /// above real domains (the bench maps 20 apps × 10 services), far below a flood of junk names.
    /// </summary>
    public int MaxMappingsPerNamespace { get; set; } = 50_000;

    /// <summary>
    /// Most service names one MapService call may carry. Default 256: bounds the work of one call
    /// (on Redis one script, which blocks every other client of that Redis while it runs; 1024 new
    /// names took 300–740 ms).
    /// </summary>
    public int MaxServicesPerMapService { get; set; } = 256;

    /// <summary>
    /// Most Watch streams of one namespace open on one registry node. Default 10000: a consumer
    /// process holds one multiplexed stream, so this is ten thousand client processes per node.
    /// </summary>
    public int MaxWatchStreamsPerNamespace { get; set; } = 10_000;

    /// <summary>
    /// An app's service mappings are removed (MAPPING_DELETE events) once it has had no instance for
    /// this long. Default 5 min: well past a restart or a rolling deploy (whose instances re-register
    /// within seconds), short enough that names nobody serves do not pile up.
    /// </summary>
    public TimeSpan UnmapAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Most instances one principal may own (authenticated registries only; re-registering an instance it
    /// already owns always passes). Default 10000: a principal is a team's or an app's credential, and a
    /// leaked one must not fill the namespace caps for everybody.
    /// </summary>
    public int MaxInstancesPerPrincipal { get; set; } = 10_000;

    /// <summary>Most namespaces in which one principal may own instances (authenticated registries only). Default 16.</summary>
    public int MaxNamespacesPerPrincipal { get; set; } = 16;

    /// <summary>
    /// Most open Watch streams of one principal on one registry node (authenticated registries only).
    /// Default 1000: a consumer process holds one multiplexed stream, so this is a thousand processes
    /// sharing one credential.
    /// </summary>
    public int MaxWatchStreamsPerPrincipal { get; set; } = 1000;

    /// <summary>
    /// Sustained write calls (Register, UpdateInstance, Deregister, MapService; renewals are not counted:
    /// they are bounded by the instances a principal owns) per second of one principal on one node, a token
    /// bucket refilled at this rate. Default 100; 0 turns the limit off. Authenticated registries only.
    /// </summary>
    public double WritesPerSecondPerPrincipal { get; set; } = 100;

    /// <summary>
    /// The write bucket's size per principal: how many writes may come at once after a quiet period (a fleet
    /// restarting registers and maps every instance at once). Default 1000.
    /// </summary>
    public int WriteBurstPerPrincipal { get; set; } = 1000;

    /// <summary>
    /// Sustained write calls per second into one namespace on one node, whoever makes them (a token bucket).
    /// Default 0 (off): a namespace's total is bounded by the per-principal buckets of its writers.
    /// </summary>
    public double WritesPerSecondPerNamespace { get; set; }

    /// <summary>The write bucket's size per namespace. Default 10000.</summary>
    public int WriteBurstPerNamespace { get; set; } = 10_000;
}
