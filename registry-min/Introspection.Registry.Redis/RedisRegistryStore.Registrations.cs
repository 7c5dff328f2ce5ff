using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Introspection.Registry.Stores.Redis;

/// <summary>
/// Pipelined registrations. One Register script per call made registrations round-trip bound (3.6k/s);
/// concurrent calls now share one <see cref="RedisScripts.RegisterMany"/> call. No timer, no added latency:
/// when no batch is in flight the first call goes out at once, alone; the calls that arrive while a batch is
/// in flight form the next one (up to <see cref="RegistrationsPerScript"/>). One batch in flight per node.
/// </summary>
internal sealed partial class RedisRegistryStore
{
    /// <summary>Registrations per script: bounds how long one script holds Redis (each is a few dozen commands).</summary>
    internal const int RegistrationsPerScript = 128;

    // A registration whose candidates were all taken goes out again with new ones; beyond this the id
    // source is broken (each candidate is a 2^-62 event).
    private const int MaxRegisterAttempts = 3;

    private readonly ConcurrentQueue<PendingRegistration> _registrations = new();

    // 1 while a batch loop runs (it owns the queue's head until it finds the queue empty).
    private int _registering;

    public async ValueTask<RegisterResult> RegisterAsync(string ns, InstanceRecord instance, TimeSpan ttl, LeaseOwnership ownership, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new PendingRegistration(ns, instance, RedisRecordCodec.EncodeBody(instance), ttl, ownership, cancellationToken);
        _registrations.Enqueue(pending);
        StartRegistering();
        return await pending.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void StartRegistering()
    {
        if (Interlocked.CompareExchange(ref _registering, 1, 0) != 0)
        {
            return;
        }

        // The loop runs on this caller's thread up to its first await (so a lone registration is sent at
        // once), then on Redis's completions. It serves other callers too: it must not carry this caller's
        // ExecutionContext (Activity, AsyncLocals) into their batches.
        if (ExecutionContext.IsFlowSuppressed())
        {
            _ = RegisterQueuedAsync();
            return;
        }

        using (ExecutionContext.SuppressFlow())
        {
            _ = RegisterQueuedAsync();
        }
    }

    /// <summary>Sends the queue batch after batch until it is empty. Never throws: every failure completes its callers.</summary>
    private async Task RegisterQueuedAsync()
    {
        var batch = new List<PendingRegistration>(RegistrationsPerScript);
        while (true)
        {
            while (batch.Count < RegistrationsPerScript && _registrations.TryDequeue(out var pending))
            {
                if (pending.CancellationToken.IsCancellationRequested)
                {
                    pending.Completion.TrySetCanceled(pending.CancellationToken);
                    continue;
                }

                batch.Add(pending);
            }

            if (batch.Count == 0)
            {
                Volatile.Write(ref _registering, 0);

                // A call that enqueued after the last TryDequeue but saw the flag still set relies on this
                // loop: look once more, and go on only if no new loop took over.
                if (_registrations.IsEmpty || Interlocked.CompareExchange(ref _registering, 1, 0) != 0)
                {
                    return;
                }

                continue;
            }

            await SendRegistrationsAsync(batch).ConfigureAwait(false);
            batch.Clear();
        }
    }

    private async Task SendRegistrationsAsync(List<PendingRegistration> batch)
    {
        RedisResult[] replies;
        try
        {
            var args = RegisterManyArguments(batch);

            // Not any one caller's token: the batch is everyone's. A caller that gives up stops waiting
            // (RegisterAsync's WaitAsync); the script itself ends by OperationTimeout.
            var result = await EvaluateWriteAsync(RedisScripts.RegisterMany, args, CancellationToken.None).ConfigureAwait(false);
            replies = result.Resp2Type == ResultType.Array ? (RedisResult[])result! : [];
            if (replies.Length != batch.Count)
            {
                throw new RegistryStoreUnavailableException($"Redis answered a batch of {batch.Count} registrations with {replies.Length} replies ({result.Resp2Type}).");
            }
        }
        catch (Exception ex)
        {
            // Whatever failed the call (connection lost, failover, timeout, a script error) failed every
            // registration in it, and none of them may see a raw exception: gRPC would answer UNKNOWN. The
            // known outage kinds were mapped (and declared) by EvaluateAsync already.
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(ex as RegistryStoreUnavailableException is { } unavailable
                    ? new RegistryStoreUnavailableException(unavailable.Message, ex)
                    : new RegistryStoreUnavailableException($"Redis is unavailable: {ex.Message}", ex));
            }

            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            Complete(batch[i], replies[i]);
        }
    }

    /// <summary>One registration's own reply: its result, or the refusal that belongs to this caller only.</summary>
    private void Complete(PendingRegistration pending, RedisResult reply)
    {
        try
        {
            var parts = (RedisResult[])reply!;
            switch ((string?)parts[0])
            {
                case "OK":
                    pending.Completion.TrySetResult(new RegisterResult((long)parts[1], pending.Ttl, (long)parts[2]));
                    break;
                case "OWNED":
                    pending.Completion.TrySetException(new RegistryOwnershipException(pending.Namespace, pending.Instance.App, pending.Instance.InstanceId));
                    break;
                case "LIMIT":
                    pending.Completion.TrySetException(LimitExceeded((string)parts[1]!, inner: null));
                    break;
                case "TAKEN" when ++pending.Attempts < MaxRegisterAttempts:
                    // New candidates in a later batch (the loop that called us picks it up).
                    _registrations.Enqueue(pending);
                    break;
                case "TAKEN":
                    pending.Completion.TrySetException(new InvalidOperationException("Every random lease id candidate was already taken: the lease id source is broken."));
                    break;
                default:
                    throw new InvalidOperationException($"Unknown registration reply '{(string?)parts[0]}'.");
            }
        }
        catch (Exception ex) when (ex is InvalidCastException or InvalidOperationException or IndexOutOfRangeException or FormatException)
        {
            pending.Completion.TrySetException(new RegistryStoreUnavailableException($"Redis answered a registration with an unexpected reply: {ex.Message}", ex));
        }
    }

    /// <summary>
    /// <see cref="RedisScripts.RegisterMany"/>'s arguments: the caps, the candidates per registration, then per
    /// registration ns, app, id, body, ttl ms, owner, admin and fresh random lease id candidates.
    /// </summary>
    private RedisValue[] RegisterManyArguments(List<PendingRegistration> batch)
    {
        const int fixedArgs = 5;
        const int stride = 7 + RedisLeaseIds.CandidatesPerCall;
        var args = new RedisValue[fixedArgs + (batch.Count * stride)];
        args[0] = _limits.MaxNamespaces;
        args[1] = _limits.MaxInstancesPerNamespace;
        args[2] = _limits.MaxInstancesPerPrincipal;
        args[3] = _limits.MaxNamespacesPerPrincipal;
        args[4] = RedisLeaseIds.CandidatesPerCall;
        var at = fixedArgs;
        foreach (var pending in batch)
        {
            args[at++] = pending.Namespace;
            args[at++] = pending.Instance.App;
            args[at++] = pending.Instance.InstanceId;
            args[at++] = pending.Body;
            args[at++] = (long)pending.Ttl.TotalMilliseconds;
            args[at++] = pending.Ownership.Principal ?? string.Empty;
            args[at++] = pending.Ownership.IsAdmin ? "1" : "0";
            for (var c = 0; c < RedisLeaseIds.CandidatesPerCall; c++)
            {
                args[at++] = RedisLeaseIds.Next();
            }
        }

        return args;
    }
}
