namespace Introspection.Client.View;

/// <summary>
/// One resolved target as the view sees it: what it answered last and whether it may answer now. Who listens
/// to it is the publisher's business (<see cref="Internal.TargetState"/>).
/// </summary>
internal sealed class ViewTarget(ServiceTarget target, IReadOnlyList<InstanceEndpoint>? pinned, DateTimeOffset deadline, DateTimeOffset diskDeadline, Sources.ExternalEndpoints? external = null)
{
    public ServiceTarget Target { get; } = target;

    /// <summary>Set for a target pinned by <see cref="IntrospectionClientOptions.StaticEndpoints"/>.</summary>
    public IReadOnlyList<InstanceEndpoint>? Static { get; } = pinned;

    /// <summary>Set for a target whose service comes from DNS (<see cref="IntrospectionClientOptions.ServiceSources"/>): the registry is not used.</summary>
    public Sources.ExternalEndpoints? External { get; } = external;

    /// <summary>When <see cref="IntrospectionClientOptions.ResolveTimeout"/> passes: from then on whatever there is is published.</summary>
    public DateTimeOffset Deadline { get; } = deadline;

    /// <summary>
    /// When <see cref="IntrospectionClientOptions.SnapshotGracePeriod"/> passes: from then on an answer that only disk
    /// data can give is published, without waiting for a registry that may hang until its call timeout.
    /// </summary>
    public DateTimeOffset DiskDeadline { get; } = diskDeadline;

    /// <summary>Set by the publisher's grace timer at <see cref="DiskDeadline"/>, so a timer that fires a tick early still publishes.</summary>
    public volatile bool DiskGraceElapsed;

    /// <summary>The last published resolution (null until the first one is settled). Read without the lock by the resolve fast path.</summary>
    public volatile ServiceResolution? Current;

    /// <summary>Set by the publisher's timer at <see cref="Deadline"/>, so a timer that fires a tick early still publishes.</summary>
    public volatile bool TimedOut;

    /// <summary>True once any resolution had endpoints: an empty answer then means "no instances now", not "never seen". Guarded by the view's lock.</summary>
    public bool EverHadEndpoints { get; set; }
}
