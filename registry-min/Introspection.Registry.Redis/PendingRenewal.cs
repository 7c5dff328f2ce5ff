namespace Introspection.Registry.Stores.Redis;

/// <summary>
/// One single-lease RenewAsync call waiting for its turn in a <see cref="RedisScripts.RenewMany"/> batch.
/// Continuations run asynchronously: the batch loop completes up to 256 of them and must not run each
/// caller's KeepAlive stream on its own stack.
/// </summary>
internal sealed class PendingRenewal(LeaseRenewal renewal, CancellationToken cancellationToken)
{
    public LeaseRenewal Renewal { get; } = renewal;

    /// <summary>The caller's token: a renewal whose caller gave up before its batch was sent is not sent.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;

    public TaskCompletionSource<RenewResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
