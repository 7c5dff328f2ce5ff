using System.Globalization;
using StackExchange.Redis;

namespace Introspection.Registry.Stores.Redis;

internal sealed partial class RedisRegistryStore
{
    private const int UnmapAppsPerScript = 8;

    public async ValueTask<RegisterResult> RegisterAsync(string ns, InstanceRecord instance, TimeSpan ttl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var result = (RedisResult[])(await EvaluateLimitedAsync(
            RedisScripts.Register,
            [ns, instance.App, instance.InstanceId, RedisRecordCodec.EncodeBody(instance), (long)ttl.TotalMilliseconds, _limits.MaxNamespaces, _limits.MaxInstancesPerNamespace],
            cancellationToken).ConfigureAwait(false))!;
        return new RegisterResult((long)result[0], ttl, (long)result[1]);
    }

    public async ValueTask<long?> UpdateInstanceAsync(string ns, string app, string instanceId, string? revision, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken)
    {
        var result = await EvaluateAsync(
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
        ToRevision(await EvaluateAsync(RedisScripts.Deregister, [ns, app, instanceId], cancellationToken).ConfigureAwait(false));

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
            var done = (int)(long)await EvaluateAsync(RedisScripts.UnmapIdle, [(long)idleFor.TotalMilliseconds, chunk], cancellationToken).ConfigureAwait(false);
            unmapped += done;
            if (done < chunk)
            {
                break;
            }
        }

        return unmapped;
    }

    /// <summary>
    /// <see cref="EvaluateAsync"/> for scripts that check a cap: their <c>LIMIT &lt;option&gt; &lt;max&gt; &lt;what&gt;</c>
    /// error reply becomes <see cref="RegistryLimitExceededException"/> (nothing was written).
    /// </summary>
    private async Task<RedisResult> EvaluateLimitedAsync(string script, RedisValue[] args, CancellationToken cancellationToken)
    {
        try
        {
            return await EvaluateAsync(script, args, cancellationToken).ConfigureAwait(false);
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
