using System.Globalization;
using StackExchange.Redis;

namespace Introspection.Registry.Stores.Redis;

internal sealed partial class RedisRegistryStore
{
    public async ValueTask<long> GetRevisionAsync(CancellationToken cancellationToken) =>
        (long)await EvaluateAsync(RedisScripts.GetRevision, [], cancellationToken).ConfigureAwait(false);

    public async ValueTask<ChangeBatch> ReadChangesAsync(long afterRevision, int maxEvents, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEvents);
        var firstId = (afterRevision + 1).ToString(CultureInfo.InvariantCulture) + "-0";
        var result = (RedisResult[])(await EvaluateAsync(RedisScripts.ReadChanges, [afterRevision, firstId, maxEvents], cancellationToken).ConfigureAwait(false))!;
        var current = (long)result[0];
        if ((long)result[1] == 1)
        {
            return new ChangeBatch([], HistoryLost: true, current);
        }

        var entries = (RedisResult[])result[2]!;
        var events = new ChangeEvent[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            events[i] = RedisRecordCodec.DecodeEvent(entries[i]);
        }

        return new ChangeBatch(events, HistoryLost: false, current);
    }

    public async ValueTask WaitForChangesAsync(long afterRevision, CancellationToken cancellationToken)
    {
        // Take the signal before reading the revision: a notification that arrives after the read
        // completes this very signal, so no change can slip between the read and the wait.
        var signal = Volatile.Read(ref _changed).Task;
        if (Volatile.Read(ref _notifiedRevision) > afterRevision)
        {
            return;
        }

        await EnsureSubscribedAsync(cancellationToken).ConfigureAwait(false);
        if (await GetRevisionAsync(cancellationToken).ConfigureAwait(false) > afterRevision)
        {
            return;
        }

        // Pub/sub is fire-and-forget (a message published while this node reconnects is gone), so the
        // wait also ends after PollInterval; a spurious completion only costs the caller one re-read.
        try
        {
            await signal.WaitAsync(_options.PollInterval, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }

    private async ValueTask EnsureSubscribedAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _subscribed) == 1)
        {
            return;
        }

        try
        {
            var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);

            // Once subscribed, StackExchange.Redis re-subscribes by itself after every reconnect.
            await connection.GetSubscriber().SubscribeAsync(_changesChannel, OnChanged).WaitAsync(cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _handlerSubscriptions);
            if (Interlocked.Exchange(ref _subscribed, 1) == 0)
            {
                Log.Subscribed(_logger, _changesChannel.ToString());
            }
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw new RegistryStoreUnavailableException($"Redis is unavailable: {ex.Message}", ex);
        }
    }

    private void OnChanged(RedisChannel channel, RedisValue message)
    {
        if (message.TryParse(out long revision))
        {
            long seen;
            do
            {
                seen = Volatile.Read(ref _notifiedRevision);
            }
            while (revision > seen && Interlocked.CompareExchange(ref _notifiedRevision, revision, seen) != seen);
        }

        Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();
    }
}
