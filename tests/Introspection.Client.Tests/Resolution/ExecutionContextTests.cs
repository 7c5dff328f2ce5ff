using Grpc.Core;
using Introspection.Client.Internal;
using Introspection.Client.Tests.Infrastructure;
using Introspection.Protocol.Registry.V1;
using Microsoft.Extensions.Logging.Abstractions;

namespace Introspection.Client.Tests.Resolution;

/// <summary>
/// The client's loops and timers start on some caller's first resolve but serve the whole process: they must not
/// run in (and keep alive) that caller's ExecutionContext. An AsyncLocal set by the first caller stands for it.
/// </summary>
public sealed class ExecutionContextTests
{
    private static readonly AsyncLocal<string?> s_caller = new();

    [Fact]
    public async Task ResolveAsync_FirstCallersAsyncLocal_IsNotSeenByTheLoopsOrTheTimeoutTimer()
    {
        var random = new ContextRecordingRandom(() => s_caller.Value);
        var time = new ContextRecordingTimeProvider(() => s_caller.Value);
        var options = new IntrospectionClientOptions
        {
            EnableSnapshot = false,
            ResolveTimeout = TimeSpan.FromMilliseconds(200),
            RegistryCallTimeout = TimeSpan.FromSeconds(1),
            RegistryRetryInitialBackoff = TimeSpan.FromMilliseconds(20),
            RegistryRetryMaxBackoff = TimeSpan.FromMilliseconds(50),
        };
        options.Registries.Add("http://127.0.0.1:1");
        await using var client = new IntrospectionClient(options, NullLoggerFactory.Instance, time, meterFactory: null, new FakeMetadataFetcher(), random);

        await FirstCallAsync(client);

        // Nothing listens on port 1: the watch and lookup loops back off (asking the random source) and retry on
        // the clock's timers; the resolve-timeout timer fires too.
        await Poll.UntilAsync(() => random.Observed.Count >= 2 && time.Observed.Count >= 2, "the loops retried and timers fired");
        Assert.All(random.Observed, Assert.Null);
        Assert.All(time.Observed, Assert.Null);
    }

    [Fact]
    public async Task GetOrFetch_FirstCallersAsyncLocal_IsNotSeenByTheBackgroundFetch()
    {
        string? seen = "not called";
        var fetcher = new FakeMetadataFetcher { PerInstance = (_, _) => { Volatile.Write(ref seen, s_caller.Value); return null; } };
        var info = TestMetadata.Create("orders", ("shop.Orders", "", "1"));
        fetcher.Add(info);
        Instance[] instances = [new() { App = "orders", InstanceId = "o1", Host = "127.0.0.1", Port = 1, Revision = info.Revision }];
        using var metrics = new IntrospectionClientMetrics(null);
        using var cache = new MetadataCache(fetcher, _ => instances, 1024 * 1024, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), new ZeroRandom(), TimeProvider.System, metrics, NullLogger.Instance);
        var key = new MetadataKey("orders", info.Revision);

        s_caller.Value = "first caller";
        cache.GetOrFetch(key, out _);
        s_caller.Value = null;

        await Poll.UntilAsync(() => cache.Peek(key) is not null, "the metadata is cached");
        Assert.Null(Volatile.Read(ref seen));
    }

    private static async Task FirstCallAsync(IntrospectionClient client)
    {
        // Set in this async method only: the test's own continuations after it return do not carry it.
        s_caller.Value = "first caller";
        await Assert.ThrowsAsync<RpcException>(() => client.ResolveAsync("shop.Orders").AsTask().WaitAsync(TestTimeouts.Call));
    }
}
