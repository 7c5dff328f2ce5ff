using Introspection.Client.View;

namespace Introspection.Client.Internal;

/// <summary>One resolved target as the publisher sees it: the view's record of it, and who waits for or listens to it.</summary>
internal sealed class TargetState(ViewTarget view)
{
    public ViewTarget View { get; } = view;

    public ServiceTarget Target => View.Target;

    /// <summary>The last published resolution (null until the first one is settled).</summary>
    public ServiceResolution? Current => View.Current;

    /// <summary>Fires at the resolve timeout; null for a pinned target.</summary>
    public ITimer? Timer { get; set; }

    /// <summary>Fires at the end of the disk snapshot's grace; null when there is no disk data or no grace.</summary>
    public ITimer? GraceTimer { get; set; }

    public TaskCompletionSource<ServiceResolution> FirstResult { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Guarded by the publisher's lock.</summary>
    public List<Subscription> Subscriptions { get; } = [];

    /// <summary>Subscribers that have not received the current resolution yet. Guarded by the publisher's lock.</summary>
    public List<Subscription> NewSubscriptions { get; } = [];
}
