namespace Introspection.Registry.Stores.Redis;

/// <summary>
/// One RegisterAsync call waiting for its turn in a <see cref="RedisScripts.RegisterMany"/> batch. Its
/// completion runs continuations asynchronously: the batch loop completes up to 128 of them and must not
/// run each caller's rest of request on its own stack.
/// </summary>
internal sealed class PendingRegistration(string ns, InstanceRecord instance, string body, TimeSpan ttl, LeaseOwnership ownership, CancellationToken cancellationToken)
{
    public string Namespace { get; } = ns;

    public InstanceRecord Instance { get; } = instance;

    /// <summary>The record as stored (<see cref="RedisRecordCodec.EncodeBody"/>), encoded on the caller's thread.</summary>
    public string Body { get; } = body;

    public TimeSpan Ttl { get; } = ttl;

    public LeaseOwnership Ownership { get; } = ownership;

    /// <summary>The caller's token: a registration whose caller gave up before its batch was sent is not sent.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Batches this registration went out in whose every lease id candidate was taken.</summary>
    public int Attempts { get; set; }

    public TaskCompletionSource<RegisterResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
