using System.Globalization;
using StackExchange.Redis;

namespace Introspection.Registry.Stores.Redis;

internal sealed partial class RedisRegistryStore
{
    private const int UnmapAppsPerScript = 8;

    public ValueTask<RegisterResult> RegisterAsync(string ns, InstanceRecord instance, TimeSpan ttl, CancellationToken cancellationToken) =>
        RegisterAsync(ns, instance, ttl, LeaseOwnership.Anonymous, cancellationToken);

    public ValueTask<long?> UpdateInstanceAsync(string ns, string app, string instanceId, string? revision, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken) =>
        UpdateInstanceAsync(ns, app, instanceId, revision, labels, LeaseOwnership.Anonymous, cancellationToken);

    public async ValueTask<long?> UpdateInstanceAsync(string ns, string app, string instanceId, string? revision, IReadOnlyDictionary<string, string>? labels, LeaseOwnership ownership, CancellationToken cancellationToken)
    {
        var result = await OwnedAsync(
            EvaluateWriteAsync(
                RedisScripts.Update,
                [
                    ns, app, instanceId,
                    revision is null ? "0" : "1", revision ?? string.Empty,
                    labels is null ? "0" : "1", labels is null ? string.Empty : RedisRecordCodec.EncodeLabels(labels),
                    ownership.RequiredOwner ?? string.Empty,
                ],
                cancellationToken),
            ns, app, instanceId).ConfigureAwait(false);
        return ToRevision(result);
    }

    public ValueTask<long?> DeregisterAsync(string ns, string app, string instanceId, CancellationToken cancellationToken) =>
        DeregisterAsync(ns, app, instanceId, LeaseOwnership.Anonymous, cancellationToken);

    public async ValueTask<long?> DeregisterAsync(string ns, string app, string instanceId, LeaseOwnership ownership, CancellationToken cancellationToken) =>
        ToRevision(await OwnedAsync(EvaluateWriteAsync(RedisScripts.Deregister, [ns, app, instanceId, ownership.RequiredOwner ?? string.Empty], cancellationToken), ns, app, instanceId).ConfigureAwait(false));

    /// <summary>The scripts' <c>OWNED</c> error reply (nothing was written) as <see cref="RegistryOwnershipException"/>.</summary>
    private static async Task<RedisResult> OwnedAsync(Task<RedisResult> call, string ns, string app, string instanceId)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.Contains("OWNED", StringComparison.Ordinal))
        {
            throw new RegistryOwnershipException(ns, app, instanceId);
        }
    }

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
            throw LimitExceeded(ex.Message[(ex.Message.IndexOf("LIMIT ", StringComparison.Ordinal) + 6)..], ex);
        }
    }

    /// <summary>A script's limit text <c>&lt;option&gt; &lt;max&gt; &lt;what&gt;</c> as <see cref="RegistryLimitExceededException"/>.</summary>
    private static RegistryLimitExceededException LimitExceeded(string text, Exception? inner)
    {
        var parts = text.Split(' ', 3);
        return parts.Length == 3 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var max)
            ? new RegistryLimitExceededException(parts[0], max, parts[2])
            : inner is null ? new RegistryLimitExceededException(text) : new RegistryLimitExceededException(text, inner);
    }

    private static long? ToRevision(RedisResult result) =>
        result.IsNull ? null : long.Parse((string)result!, NumberStyles.None, CultureInfo.InvariantCulture);
}
