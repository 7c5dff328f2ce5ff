namespace Introspection.Client.Internal;

/// <summary>One resolved target: its last published answer and who listens to it.</summary>
internal sealed class TargetState(ServiceTarget target)
{
    public ServiceTarget Target { get; } = target;

    /// <summary>Set for a target pinned by <see cref="IntrospectionClientOptions.StaticEndpoints"/>.</summary>
    public IReadOnlyList<InstanceEndpoint>? Static { get; set; }

    /// <summary>The last published resolution (null until the first one is settled).</summary>
    public volatile ServiceResolution? Current;

    /// <summary>True once any resolution had endpoints: an empty answer then means "no instances now", not "never seen".</summary>
    public bool EverHadEndpoints { get; set; }

    /// <summary>Set when <see cref="IntrospectionClientOptions.ResolveTimeout"/> passed: publish whatever there is.</summary>
    public volatile bool TimedOut;

    public ITimer? Timer { get; set; }

    public TaskCompletionSource<ServiceResolution> FirstResult { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Guarded by the client's gate.</summary>
    public List<Subscription> Subscriptions { get; } = [];

    /// <summary>Subscribers that have not received the current resolution yet. Guarded by the client's gate.</summary>
    public List<Subscription> NewSubscriptions { get; } = [];
}
