using Introspection.Registry.Stores;
using Introspection.Registry.Tests.Infrastructure;
using StackExchange.Redis;

namespace Introspection.Registry.Tests.Redis;

/// <summary>
/// The Redis store's batching: concurrent registrations share script calls, a KeepAlive burst is one call,
/// and a failed batch reaches every waiting caller as UNAVAILABLE, never as a raw exception.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisBatchingTests(RedisServerFixture fixture)
{
    private const string Ns = "default";
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task Register_ManyConcurrentCalls_FarFewerScriptCalls()
    {
        // A server of its own: no other test's scripts in its command counters.
        await using var server = await RedisServer.StartAsync();
        await using var store = RedisStores.Create(server.Configuration, RedisStores.NewPrefix(), configure: static o => o.ClockInterval = TimeSpan.FromMinutes(5));
        await store.RegisterAsync(Ns, Record("orders", "warm"), Ttl, Ct).AsTask().WaitAsync(TestTimeouts.Long);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(server.Configuration + ",allowAdmin=true").WaitAsync(TestTimeouts.Long);
        var before = await ScriptCallsAsync(connection);

        var registered = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => store.RegisterAsync(Ns, Record("orders", $"i{i:000}"), Ttl, Ct).AsTask())).WaitAsync(TestTimeouts.Long);
        var afterRegister = await ScriptCallsAsync(connection);
        await store.RenewBatchAsync(registered.Select(r => new LeaseRenewal(Ns, r.LeaseId, LeaseOwnership.Anonymous)).ToArray(), Ct).AsTask().WaitAsync(TestTimeouts.Long);
        var afterRenew = await ScriptCallsAsync(connection);
        var single = await Task.WhenAll(registered.Select(r => store.RenewAsync(Ns, r.LeaseId, Ct).AsTask()).Append(store.RenewAsync(Ns, 42, Ct).AsTask())).WaitAsync(TestTimeouts.Long);
        var afterSingle = await ScriptCallsAsync(connection);

        Assert.Equal(200, registered.Select(r => r.LeaseId).Distinct().Count());
        Assert.True(afterRegister - before <= 10, $"200 concurrent registrations took {afterRegister - before} script calls");
        Assert.True(afterRenew - afterRegister == 1, $"a burst of 200 renewals took {afterRenew - afterRegister} script calls");
        Assert.True(afterSingle - afterRenew <= 10, $"201 concurrent single renewals took {afterSingle - afterRenew} script calls");
        Assert.All(single[..200], r => Assert.Equal(new RenewResult(true, Ttl), r));
        Assert.Equal(RenewResult.NotFound, single[200]);
    }

    [Fact]
    public async Task RegisterAndRenewBatch_ScriptFails_EveryCallerUnavailableThenRecovers()
    {
        var prefix = RedisStores.NewPrefix();
        await using var store = RedisStores.Create(fixture.Server.Configuration, prefix);
        var lease = (await store.RegisterAsync(Ns, Record("orders", "a"), Ttl, Ct).AsTask().WaitAsync(TestTimeouts.Long)).LeaseId;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(fixture.Server.Configuration).WaitAsync(TestTimeouts.Long);
        var db = connection.GetDatabase();
        var owners = "{" + prefix + "}:lease:owner";
        var saved = await db.KeyDumpAsync(owners);

        // A key of the wrong type makes the scripts' first command fail (WRONGTYPE): a script error, which
        // is no outage kind StackExchange.Redis knows, before anything is written.
        await db.KeyDeleteAsync(owners);
        await db.StringSetAsync(owners, "not a hash");
        var calls = Enumerable.Range(0, 40).Select(i => store.RegisterAsync(Ns, Record("orders", $"i{i:00}"), Ttl, Ct).AsTask()).ToArray();
        foreach (var call in calls)
        {
            await Assert.ThrowsAsync<RegistryStoreUnavailableException>(() => call.WaitAsync(TestTimeouts.Long));
        }

        await Assert.ThrowsAsync<RegistryStoreUnavailableException>(() => store.RenewBatchAsync([new LeaseRenewal(Ns, lease, LeaseOwnership.Anonymous)], Ct).AsTask().WaitAsync(TestTimeouts.Long));
        var renewals = Enumerable.Range(0, 40).Select(_ => store.RenewAsync(Ns, lease, Ct).AsTask()).ToArray();
        foreach (var renewal in renewals)
        {
            await Assert.ThrowsAsync<RegistryStoreUnavailableException>(() => renewal.WaitAsync(TestTimeouts.Long));
        }

        await db.KeyDeleteAsync(owners);
        await db.KeyRestoreAsync(owners, saved!);
        var again = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => store.RegisterAsync(Ns, Record("orders", $"i{i:00}"), Ttl, Ct).AsTask())).WaitAsync(TestTimeouts.Long);
        Assert.Equal(40, again.Select(r => r.LeaseId).Distinct().Count());
        Assert.True(Assert.Single(await store.RenewBatchAsync([new LeaseRenewal(Ns, lease, LeaseOwnership.Anonymous)], Ct).AsTask().WaitAsync(TestTimeouts.Long)).Found);
        Assert.True((await store.RenewAsync(Ns, lease, Ct).AsTask().WaitAsync(TestTimeouts.Long)).Found);
    }

    [Fact]
    public async Task Register_RedisDownWhileBatchesQueued_EveryCallerUnavailableThenRecovers()
    {
        await using var server = await RedisServer.StartAsync();
        await using var store = RedisStores.Create(server.Configuration, RedisStores.NewPrefix());
        await store.RegisterAsync(Ns, Record("orders", "warm"), Ttl, Ct).AsTask().WaitAsync(TestTimeouts.Long);

        var calls = Enumerable.Range(0, 300).Select(i => store.RegisterAsync(Ns, Record("orders", $"i{i:000}"), Ttl, Ct).AsTask()).ToArray();
        await server.KillAsync();

        // Some made it before the kill; every other one fails as UNAVAILABLE, none with anything else.
        foreach (var call in calls)
        {
            var failure = await Record(call);
            Assert.True(failure is null or RegistryStoreUnavailableException, $"a registration failed with {failure}");
        }

        await server.StartAgainAsync();
        await Poll.UntilAsync(async () =>
        {
            try
            {
                await store.RegisterAsync(Ns, Record("orders", "after"), Ttl, Ct);
                return true;
            }
            catch (RegistryStoreUnavailableException)
            {
                return false;
            }
        }, because: "the batch loop survives a failed batch");
    }

    private static async Task<Exception?> Record(Task call)
    {
        try
        {
            await call.WaitAsync(TestTimeouts.Long);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    private static async Task<long> ScriptCallsAsync(IConnectionMultiplexer connection)
    {
        var server = connection.GetServer(connection.GetEndPoints().Single());
        var stats = (await server.InfoAsync("commandstats")).SelectMany(static g => g).ToArray();
        return stats.Where(static s => s.Key is "cmdstat_evalsha" or "cmdstat_eval").Sum(static s => long.Parse(s.Value.Split(',')[0].Split('=')[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static InstanceRecord Record(string app, string id) =>
        new(app, id, "10.0.0.1", 5000, Instances.RevisionA, new Dictionary<string, string> { ["zone"] = "a" });
}
