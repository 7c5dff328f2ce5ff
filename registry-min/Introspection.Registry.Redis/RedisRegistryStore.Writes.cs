using System.Globalization;
using StackExchange.Redis;

namespace Introspection.Registry.Stores.Redis;

internal sealed partial class RedisRegistryStore
{
    private const int UnmapAppsPerScript = 8;

    public async ValueTask<RegisterResult> RegisterAsync(string ns, InstanceRecord instance, TimeSpan ttl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        // ARGV: ns, app, id, body, ttl, MaxNamespaces, MaxInstancesPerNamespace, then random lease id candidates.
        var args = new RedisValue[7 + RedisLeaseIds.CandidatesPerCall];
        args[0] = ns;
        args[1] = instance.App;
        args[2] = instance.InstanceId;
        args[3] = RedisRecordCodec.EncodeBody(instance);
        args[4] = (long)ttl.TotalMilliseconds;
        args[5] = _limits.MaxNamespaces;
        args[6] = _limits.MaxInstancesPerNamespace;

        // Every candidate taken is a 2^-62 event per candidate; a second round is already beyond belief.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            for (var i = 7; i < args.Length; i++)
            {
                args[i] = RedisLeaseIds.Next();
            }

            var result = await EvaluateLimitedAsync(RedisScripts.Register, args, cancellationToken).ConfigureAwait(false);
            if (!result.IsNull)
            {
                var reply = (RedisResult[])result!;
                return new RegisterResult((long)reply[0], ttl, (long)reply[1]);
            }
        }

        throw new InvalidOperationException("Every random lease id candidate was already taken: the lease id source is broken.");
    }

    public async ValueTask<long?> UpdateInstanceAsync(string ns, string app, string instanceId, string? revision, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken)
    {
        var result = await EvaluateWriteAsync(
            RedisScripts.Update,
            [
                ns, app, instanceId,
                revision is null ? "0" : "1", revision ?? string.Empty,
                labels is null ? "0" : "1", labels is null ? string.Empty : RedisRecordCodec.EncodeLabels(labels),
            ],
            cancellationToken).ConfigureAwait(false);
        return ToRevision(result);
    }

    public async ValueTask<long?> DeregisterAsync(string ns, string app, string instanceId, CancellationToken cancellationToken) =>
        ToRevision(await EvaluateWriteAsync(RedisScripts.Deregister, [ns, app, instanceId], cancellationToken).ConfigureAwait(false));

    public async ValueTask<long> MapServicesAsync(string ns, string app, IReadOnlyList<string> services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var args = new RedisValue[5 + services.Count];
        args[0] = ns;
        args[1] = app;
        args[2] = _limits.MaxNamespaces;
        args[3] = _limits.MaxServicesPerApp;
        args[4] = _limits.MaxMappingsPerNamespace;
        for (var i = 0; i < services.Count; i++)
        {
            args[5 + i] = services[i];
        }

        return (long)await EvaluateLimitedAsync(RedisScripts.MapServices, args, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<int> UnmapIdleAppsAsync(TimeSpan idleFor, int maxApps, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxApps);

        // A few apps per script: each can have up to MaxServicesPerApp pairs to remove, and a long
        // script stalls every other client of this Redis. Racing nodes each take whatever is still due.
        var unmapped = 0;
        while (unmapped < maxApps)
        {
            var chunk = Math.Min(UnmapAppsPerScript, maxApps - unmapped);
            var done = (int)(long)await EvaluateWriteAsync(RedisScripts.UnmapIdle, [(long)idleFor.TotalMilliseconds, chunk], cancellationToken).ConfigureAwait(false);
            unmapped += done;
            if (done < chunk)
            {
                break;
            }
        }

        return unmapped;
    }

    /// <summary>
    /// <see cref="EvaluateWriteAsync"/> for write scripts that check a cap: their <c>LIMIT &lt;option&gt; &lt;max&gt; &lt;what&gt;</c>
    /// error reply becomes <see cref="RegistryLimitExceededException"/> (nothing was written).
    /// </summary>
    private async Task<RedisResult> EvaluateLimitedAsync(string script, RedisValue[] args, CancellationToken cancellationToken)
    {
        try
        {
            return await EvaluateWriteAsync(script, args, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.Contains("LIMIT ", StringComparison.Ordinal))
        {
            var text = ex.Message[(ex.Message.IndexOf("LIMIT ", StringComparison.Ordinal) + 6)..];
            var parts = text.Split(' ', 3);
            if (parts.Length == 3 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var max))
            {
                throw new RegistryLimitExceededException(parts[0], max, parts[2]);
            }

            throw new RegistryLimitExceededException(text, ex);
        }
    }

    private static long? ToRevision(RedisResult result) =>
        result.IsNull ? null : long.Parse((string)result!, NumberStyles.None, CultureInfo.InvariantCulture);
}
