using StackExchange.Redis;

namespace Introspection.Registry.Stores.Redis;

internal sealed partial class RedisRegistryStore
{
    public async ValueTask<AppsResult> ListAppsAsync(string ns, CancellationToken cancellationToken)
    {
        var result = (RedisResult[])(await EvaluateAsync(RedisScripts.ListApps, [ns], cancellationToken).ConfigureAwait(false))!;
        var pairs = (RedisResult[])result[1]!;
        var apps = new List<KeyValuePair<string, int>>(pairs.Length / 2);
        for (var i = 0; i + 1 < pairs.Length; i += 2)
        {
            var count = (int)pairs[i + 1];
            if (count > 0)
            {
                apps.Add(new KeyValuePair<string, int>((string)pairs[i]!, count));
            }
        }

        apps.Sort(static (x, y) => string.CompareOrdinal(x.Key, y.Key));
        return new AppsResult(apps, (long)result[0]);
    }

    public async ValueTask<InstancesResult> ListInstancesAsync(string ns, string app, CancellationToken cancellationToken)
    {
        var result = (RedisResult[])(await EvaluateAsync(RedisScripts.ListInstances, [ns, app], cancellationToken).ConfigureAwait(false))!;
        var instances = new List<InstanceRecord>();
        AddInstances(instances, app, (RedisResult[])result[1]!);
        instances.Sort(static (x, y) => string.CompareOrdinal(x.InstanceId, y.InstanceId));
        return new InstancesResult(instances, (long)result[0]);
    }

    public async ValueTask<LookupResult> LookupServiceAsync(string ns, string service, CancellationToken cancellationToken)
    {
        var result = (RedisResult[])(await EvaluateAsync(RedisScripts.Lookup, [ns, service], cancellationToken).ConfigureAwait(false))!;
        var apps = ((RedisResult[])result[1]!).Select(static r => (string)r!).ToList();
        apps.Sort(StringComparer.Ordinal);
        return new LookupResult(apps, (long)result[0]);
    }

    public async ValueTask<StoreSnapshot> GetSnapshotAsync(string ns, IReadOnlySet<string>? apps, bool includeMappings, CancellationToken cancellationToken)
    {
        var args = new List<RedisValue>(3 + (apps?.Count ?? 0)) { ns, includeMappings ? "1" : "0", apps is null ? "1" : "0" };
        if (apps is not null)
        {
            foreach (var app in apps)
            {
                args.Add(app);
            }
        }

        var result = (RedisResult[])(await EvaluateAsync(RedisScripts.Snapshot, [.. args], cancellationToken).ConfigureAwait(false))!;
        var instances = new List<InstanceRecord>();
        var byApp = (RedisResult[])result[1]!;
        for (var i = 0; i + 1 < byApp.Length; i += 2)
        {
            AddInstances(instances, (string)byApp[i]!, (RedisResult[])byApp[i + 1]!);
        }

        var mappings = new List<ServiceAppPair>();
        var byService = (RedisResult[])result[2]!;
        for (var i = 0; i + 1 < byService.Length; i += 2)
        {
            var service = (string)byService[i]!;
            foreach (var app in (RedisResult[])byService[i + 1]!)
            {
                mappings.Add(new ServiceAppPair(service, (string)app!));
            }
        }

        instances.Sort(static (x, y) =>
        {
            var byAppName = string.CompareOrdinal(x.App, y.App);
            return byAppName != 0 ? byAppName : string.CompareOrdinal(x.InstanceId, y.InstanceId);
        });
        mappings.Sort(static (x, y) =>
        {
            var byServiceName = string.CompareOrdinal(x.Service, y.Service);
            return byServiceName != 0 ? byServiceName : string.CompareOrdinal(x.App, y.App);
        });
        return new StoreSnapshot(instances, mappings, (long)result[0]);
    }

    private static void AddInstances(List<InstanceRecord> target, string app, RedisResult[] hash)
    {
        for (var i = 0; i + 1 < hash.Length; i += 2)
        {
            target.Add(RedisRecordCodec.DecodeStored(app, (string)hash[i]!, (string)hash[i + 1]!));
        }
    }
}
