using System.Globalization;
using Introspection.Registry.Stores.Redis;
using Introspection.Registry.Tests.Infrastructure;
using StackExchange.Redis;

namespace Introspection.Registry.Tests.Redis;

/// <summary>
/// The order of scripts after a Redis restart (fault test RedisLoss_TwoNodesOneRedis_…): the first script, and the
/// first sweep, may come from a node that did not declare the outage, and the declaring node's first script may
/// come seconds later on a loaded machine. No lease may lapse because of that order.
/// Driven at the script level, deterministically: the stores pass no outage threshold with
/// <c>UseTimeProviderClock</c>, so two "nodes" here are two sets of arguments (ARGV[2] clock override, ARGV[3]
/// +threshold = declared an outage, −threshold = saw none), sent exactly as <c>RedisRegistryStore</c> sends them.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisOutageOrderTests(RedisServerFixture fixture)
{
    private const string Ns = "default";
    private const string App = "greeter";
    private const long LeaseId = 4242;
    private const long T0 = 1_000_000_000;

    [Fact]
    public async Task Restart_NonDeclaringNodeScriptsAndSweepFirstDeclaringNodeLate_NoLeaseEvictedLeasesExtended()
    {
        const long threshold = 1000;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(fixture.Server.Configuration).WaitAsync(TestTimeouts.Long);
        var db = connection.GetDatabase();
        var prefix = "{" + RedisStores.NewPrefix() + "}:";
        await RegisterAsync(db, prefix, T0, -threshold, ttlMs: 5000);
        await RunAsync(db, prefix, RedisScripts.Heartbeat, T0 + 250, -threshold);

        // Redis gone for ~8.75 s: nobody touched the clock. The first scripts after the restart come from node B,
        // which saw no outage: its heartbeat, its sweep's scan (the lease looks lapsed on the un-extended clock)
        // and its eviction attempt.
        var restart = T0 + 9000;
        await RunAsync(db, prefix, RedisScripts.Heartbeat, restart, -threshold);
        await RunAsync(db, prefix, RedisScripts.ScanLeases, restart + 10, -threshold, 10);
        Assert.True((await RunAsync(db, prefix, RedisScripts.Evict, restart + 20, -threshold, Ns, LeaseId, App, "a")).IsNull, "evicted inside a noted gap");

        // Node A, which declared the outage, is slow to get back: longer than the threshold in real time (the
        // note's expiry runs on Redis's clock), while B keeps touching the clock and sweeping.
        await Task.Delay(TimeSpan.FromMilliseconds(threshold * 3 / 2));
        for (var t = restart + 250; t <= restart + 3000; t += 250)
        {
            await RunAsync(db, prefix, RedisScripts.Heartbeat, t, -threshold);
            Assert.True((await RunAsync(db, prefix, RedisScripts.Evict, t + 1, -threshold, Ns, LeaseId, App, "a")).IsNull, $"evicted at +{t - restart} ms");
        }

        // A's first script: the noted gap is applied now, once.
        var offset = (string?)await RunAsync(db, prefix, RedisScripts.Heartbeat, restart + 3100, threshold);
        Assert.Equal("8750", offset);

        // Every node sweeps on the extended clock: the lease has its time back.
        Assert.True((await RunAsync(db, prefix, RedisScripts.Evict, restart + 3200, -threshold, Ns, LeaseId, App, "a")).IsNull, "evicted after the extension");
        Assert.True((await RunAsync(db, prefix, RedisScripts.Evict, restart + 3200, threshold, Ns, LeaseId, App, "a")).IsNull, "evicted after the extension");
        Assert.True(await db.HashExistsAsync(prefix + "inst:" + Ns + ":" + App, "a"));
        Assert.False(await db.KeyExistsAsync(prefix + "clock:gap"));
        Assert.False(await db.KeyExistsAsync(prefix + "clock:gapfrom"));

        // A later script of the declaring node does not extend again.
        Assert.Equal("8750", (string?)await RunAsync(db, prefix, RedisScripts.Heartbeat, restart + 3300, threshold));
    }

    [Fact]
    public async Task SlowRedis_GapNotedNobodyDeclares_LeaseSparedOnlyUntilTheNoteExpiresThenEvictedNoExtension()
    {
        const long threshold = 100; // the note is kept 10 × threshold = 1 s
        await using var connection = await ConnectionMultiplexer.ConnectAsync(fixture.Server.Configuration).WaitAsync(TestTimeouts.Long);
        var db = connection.GetDatabase();
        var prefix = "{" + RedisStores.NewPrefix() + "}:";
        await RegisterAsync(db, prefix, T0, -threshold, ttlMs: 1000);
        await RunAsync(db, prefix, RedisScripts.Heartbeat, T0 + 900, -threshold);

        // A stall of 500 ms across the lease's expiry, seen by nodes that lost no connection.
        await RunAsync(db, prefix, RedisScripts.Heartbeat, T0 + 1400, -threshold);
        Assert.True((await RunAsync(db, prefix, RedisScripts.Evict, T0 + 1410, -threshold, Ns, LeaseId, App, "a")).IsNull, "evicted inside a noted gap");

        // Nobody declared an outage: the note lapses and the lease is evicted on the un-extended clock.
        await Task.Delay(TimeSpan.FromMilliseconds(threshold * 15));
        Assert.False(await db.KeyExistsAsync(prefix + "clock:gapfrom"));
        Assert.False((await RunAsync(db, prefix, RedisScripts.Evict, T0 + 1500, -threshold, Ns, LeaseId, App, "a")).IsNull, "not evicted after the note expired");
        Assert.Equal("0", (string?)await RunAsync(db, prefix, RedisScripts.Heartbeat, T0 + 1600, -threshold));
    }

    private static Task<RedisResult> RegisterAsync(IDatabase db, string prefix, long now, long threshold, long ttlMs) =>
        RunAsync(db, prefix, RedisScripts.Register, now, threshold, Ns, App, "a", "10.0.0.1\n5000\nr1\n{}", ttlMs, 100, 1000, string.Empty, "0", 10_000, 16, LeaseId); // owner (anonymous), admin, per-principal caps, candidate

    /// <summary>One script with the common arguments <c>RedisRegistryStore.EvaluateAsync</c> sends.</summary>
    private static Task<RedisResult> RunAsync(IDatabase db, string prefix, string script, long nowMs, long threshold, params RedisValue[] scriptArgs)
    {
        RedisValue[] args = [prefix, nowMs.ToString(CultureInfo.InvariantCulture), threshold, 1000, 3_600_000, .. scriptArgs];
        return db.ScriptEvaluateAsync(script, [(RedisKey)(prefix + "rev")], args).WaitAsync(TestTimeouts.Long);
    }
}
