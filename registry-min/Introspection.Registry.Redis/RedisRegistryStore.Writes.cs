using System.Globalization;
using StackExchange.Redis;

namespace Introspection.Registry.Stores.Redis;

internal sealed partial class RedisRegistryStore
{
    public async ValueTask<RegisterResult> RegisterAsync(string ns, InstanceRecord instance, TimeSpan ttl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var result = (RedisResult[])(await EvaluateAsync(
            RedisScripts.Register,
            [ns, instance.App, instance.InstanceId, RedisRecordCodec.EncodeBody(instance), (long)ttl.TotalMilliseconds],
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
        var args = new RedisValue[2 + services.Count];
        args[0] = ns;
        args[1] = app;
        for (var i = 0; i < services.Count; i++)
        {
            args[2 + i] = services[i];
        }

        return (long)await EvaluateAsync(RedisScripts.MapServices, args, cancellationToken).ConfigureAwait(false);
    }

    private static long? ToRevision(RedisResult result) =>
        result.IsNull ? null : long.Parse((string)result!, NumberStyles.None, CultureInfo.InvariantCulture);
}
