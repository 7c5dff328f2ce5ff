namespace Introspection.Registry.Stores.Memory;

/// <summary>
/// One live instance and its lease in a single object: the record's fields, flattened, next to the lease's.
/// A million of them are most of the store, so every field earns its place: app, namespace, revision, labels
/// and owner are references to shared objects (one per app, build, label set and principal), an IPv4 host is
/// four bytes, and times are ticks. <see cref="ToRecord"/> builds the public record on read.
/// </summary>
internal sealed class InstanceSlot
{
    public InstanceSlot(AppInstances app, string instanceId, long leaseId)
    {
        App = app;
        InstanceId = instanceId;
        LeaseId = leaseId;
    }

    public AppInstances App { get; }

    public string InstanceId { get; }

    public long LeaseId { get; }

    public SharedRevision Revision { get; set; } = null!;

    public LabelSet Labels { get; set; } = LabelSet.Empty;

    /// <summary>The principal that registered the instance; null in an anonymous registry.</summary>
    public PrincipalState? Owner { get; init; }

    public PackedHost Host { get; init; }

    public int Port { get; init; }

    public long ModRevision { get; set; }

    public long ExpiresAtUtcTicks { get; set; }

    public long TtlTicks { get; init; }

    /// <summary>Renewed at least once: only such leases count for self-preservation.</summary>
    public bool Renewed { get; set; }

    public TimeSpan Ttl => new(TtlTicks);

    public DateTimeOffset ExpiresAt => new(ExpiresAtUtcTicks, TimeSpan.Zero);

    public InstanceRecord ToRecord() =>
        new(App.Name, InstanceId, Host.ToString(), Port, Revision.Value, Labels, ModRevision);
}
