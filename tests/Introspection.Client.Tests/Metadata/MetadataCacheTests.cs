using Introspection.Client.Internal;
using Introspection.Client.Tests.Infrastructure;
using Introspection.Protocol.Metadata.V1;
using Introspection.Protocol.Registry.V1;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Introspection.Client.Tests.Metadata;

public class MetadataCacheTests
{
    private static readonly MetadataInfo s_orders = TestMetadata.Create("orders", ("shop.Orders", "", "1"));

    [Fact]
    public async Task GetOrFetch_TenInstancesOneRevisionConcurrently_FetchesOnce()
    {
        var fetcher = new FakeMetadataFetcher(held: true);
        fetcher.Add(s_orders);
        var instances = Instances("orders", s_orders.Revision, 10);
        using var metrics = new IntrospectionClientMetrics(null);
        using var cache = CreateCache(fetcher, _ => instances, metrics, TimeProvider.System);
        var key = new MetadataKey("orders", s_orders.Revision);

        // Every instance's view computation asks at once, from many threads.
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(() => cache.GetOrFetch(key, out _)))).WaitAsync(TestTimeouts.Call);
        fetcher.Release();
        await Poll.UntilAsync(() => cache.Peek(key) is not null, "the metadata is cached");
        await Poll.UntilAsync(() => cache.InFlightCount == 0, "the fetch is finished");
        for (var i = 0; i < 10; i++)
        {
            Assert.NotNull(cache.GetOrFetch(key, out var state));
            Assert.Equal(MetadataFetchState.Available, state);
        }

        Assert.Equal(1, fetcher.Calls);
    }

    [Fact]
    public async Task GetOrFetch_AnswerWithWrongRevision_IsRejectedAndAnotherInstanceAsked()
    {
        var fetcher = new FakeMetadataFetcher();
        fetcher.Add(s_orders);
        var other = TestMetadata.Create("orders", ("shop.Other", "", ""));
        var answered = 0;
        fetcher.PerInstance = (_, _) => Interlocked.Increment(ref answered) == 1 ? other : null;
        var instances = Instances("orders", s_orders.Revision, 2);
        using var metrics = new IntrospectionClientMetrics(null);
        using var rejected = new MetricCollector<long>(metrics.Meter, "introspection.client.metadata.fetches");
        using var cache = CreateCache(fetcher, _ => instances, metrics, TimeProvider.System);
        var key = new MetadataKey("orders", s_orders.Revision);

        Assert.Null(cache.GetOrFetch(key, out _));
        await Poll.UntilAsync(() => cache.Peek(key) is not null, "the metadata is cached");

        Assert.Equal(s_orders, cache.Peek(key));
        var called = fetcher.CalledInstances.ToArray();
        Assert.Equal(2, called.Length);
        Assert.NotEqual(called[0], called[1]);
        Assert.Equal(1, rejected.Total("introspection.result", "rejected"));
    }

    [Fact]
    public async Task GetOrFetch_ClaimedRevisionButContentHashesElsewhere_IsNotCached()
    {
        // The answer says the right revision, but its content was changed: only the hash check catches it.
        var forged = s_orders.Clone();
        forged.Services[0].Version = "2";
        var fetcher = new FakeMetadataFetcher { PerInstance = (_, _) => forged };
        var instances = Instances("orders", s_orders.Revision, 1);
        using var metrics = new IntrospectionClientMetrics(null);
        using var rejected = new MetricCollector<long>(metrics.Meter, "introspection.client.metadata.fetches");
        var time = new FakeTimeProvider();
        using var cache = CreateCache(fetcher, _ => instances, metrics, time);
        var key = new MetadataKey("orders", s_orders.Revision);

        cache.GetOrFetch(key, out _);
        await Poll.UntilAsync(() => rejected.Total("introspection.result", "rejected") == 1, "the answer is rejected");
        await Poll.UntilAsync(() => cache.GetOrFetch(key, out var s) is null && s == MetadataFetchState.Failing, "the round failed");

        Assert.Null(cache.Peek(key));
    }

    [Fact]
    public async Task GetOrFetch_EveryInstanceFails_KeepsRetryingInBackgroundUntilOneAnswers()
    {
        var fetcher = new FakeMetadataFetcher();
        fetcher.Add(s_orders);
        var failing = true;
        fetcher.PerInstance = (_, _) => Volatile.Read(ref failing) ? throw new InvalidOperationException("down") : null;
        var instances = Instances("orders", s_orders.Revision, 3);
        using var metrics = new IntrospectionClientMetrics(null);
        var time = new FakeTimeProvider();
        using var cache = CreateCache(fetcher, _ => instances, metrics, time);
        var key = new MetadataKey("orders", s_orders.Revision);

        cache.GetOrFetch(key, out _);
        await Poll.UntilAsync(() => fetcher.Calls == 3, "each instance was tried once");
        Volatile.Write(ref failing, false);

        // No registry event and no caller: only the backoff timer brings the next round.
        await Poll.UntilAsync(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            return cache.Peek(key) is not null;
        }, "the background retry cached the metadata");
        Assert.Equal(4, fetcher.Calls);
    }

    [Fact]
    public async Task GetOrFetch_RevisionNoLongerServed_StopsFetching()
    {
        var fetcher = new FakeMetadataFetcher { PerInstance = (_, _) => throw new InvalidOperationException("down") };
        IReadOnlyList<Instance> instances = Instances("orders", s_orders.Revision, 1);
        using var metrics = new IntrospectionClientMetrics(null);
        var time = new FakeTimeProvider();
        using var cache = CreateCache(fetcher, _ => Volatile.Read(ref instances), metrics, time);
        var key = new MetadataKey("orders", s_orders.Revision);

        cache.GetOrFetch(key, out _);
        await Poll.UntilAsync(() => fetcher.Calls == 1, "the instance was tried");
        Volatile.Write(ref instances, []);
        await Poll.UntilAsync(() =>
        {
            time.Advance(TimeSpan.FromSeconds(1));
            return cache.InFlightCount == 0;
        }, "the fetch gave up");
        Assert.Equal(1, fetcher.Calls);
    }

    [Theory]
    [InlineData("revision")]
    [InlineData("app")]
    [InlineData("content")]
    public void Verify_Mismatch_ReturnsFalseWithReason(string what)
    {
        var answer = s_orders.Clone();
        var key = new MetadataKey("orders", s_orders.Revision);
        switch (what)
        {
            case "revision":
                answer.Revision = new string('a', 64);
                break;
            case "app":
                answer.App = "payments";
                break;
            default:
                answer.Services[0].Methods.Add("Extra");
                break;
        }

        Assert.True(MetadataCache.Verify(key, s_orders, out _));
        Assert.False(MetadataCache.Verify(key, answer, out var reason));
        Assert.NotNull(reason);
    }

    private static MetadataCache CreateCache(FakeMetadataFetcher fetcher, Func<MetadataKey, IReadOnlyList<Instance>> candidates, IntrospectionClientMetrics metrics, TimeProvider time) =>
        new(fetcher, candidates, 1024 * 1024, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), new ZeroRandom(), time, metrics, NullLogger.Instance);

    private static Instance[] Instances(string app, string revision, int count) =>
        Enumerable.Range(0, count).Select(i => new Instance { App = app, InstanceId = $"i{i}", Host = "127.0.0.1", Port = 1000 + i, Revision = revision }).ToArray();
}
