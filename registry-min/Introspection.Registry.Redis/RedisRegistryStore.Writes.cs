using System.Globalization;
using StackExchange.Redis;

namespace Introspection.Registry.Stores.Redis;

internal sealed partial class RedisRegistryStore
{
    public async ValueTask<RegisterResult> RegisterAsync(string ns, InstanceRecord instance, TimeSpan ttl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var args = new RedisValue[5 + RedisLeaseIds.CandidatesPerCall];
        args[0] = ns;
        args[1] = instance.App;
        args[2] = instance.InstanceId;
        args[3] = RedisRecordCodec.EncodeBody(instance);
        args[4] = (long)ttl.TotalMilliseconds;

        // Every candidate taken is a 2^-62 event per candidate; a second round is already beyond belief.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            for (var i = 5; i < args.Length; i++)
            {
                args[i] = RedisLeaseIds.Next();
            }

            var result = await EvaluateWriteAsync(RedisScripts.Register, args, cancellationToken).ConfigureAwait(false);
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
        var args = new RedisValue[2 + services.Count];
        args[0] = ns;
        args[1] = app;
        for (var i = 0; i < services.Count; i++)
        {
            args[2 + i] = services[i];
        }

        return (long)await EvaluateWriteAsync(RedisScripts.MapServices, args, cancellationToken).ConfigureAwait(false);
    }

    private static long? ToRevision(RedisResult result) =>
        result.IsNull ? null : long.Parse((string)result!, NumberStyles.None, CultureInfo.InvariantCulture);
}
