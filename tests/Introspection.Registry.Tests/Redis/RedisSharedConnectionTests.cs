using Grpc.Net.Client;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Stores;
using Introspection.Registry.Stores.Redis;
using Introspection.Registry.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Introspection.Registry.Tests.Redis;

/// <summary>
/// The Redis store on the application's own <see cref="IConnectionMultiplexer"/> from DI (as .NET Aspire's Redis
/// integration registers one), against a real redis-server: it registers, watches, and leaves the multiplexer alone.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisSharedConnectionTests(RedisServerFixture fixture)
{
    private static DateTime Deadline => DateTime.UtcNow.Add(TestTimeouts.Long);

    [Fact]
    public async Task Registry_MultiplexerFromDi_RegistersWatchesAndLeavesItConnectedAfterShutdown()
    {
        var prefix = RedisStores.NewPrefix();
        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(fixture.Server.Configuration).WaitAsync(TestTimeouts.Long);
        var app = await StartRegistryAsync(prefix, services => services.AddSingleton<IConnectionMultiplexer>(multiplexer));
        try
        {
            Assert.True(app.Services.GetRequiredKeyedService<IRegistryStore>("redis") is RedisRegistryStore { UsesSharedConnection: true });
            using var channel = GrpcChannel.ForAddress(app.Urls.Single());
            var client = new Protocol.Registry.V1.Registry.RegistryClient(channel);
            using var cts = new CancellationTokenSource(TestTimeouts.Long);
            using var watch = client.Watch(new WatchRequest { Apps = { "orders" } }, cancellationToken: cts.Token);
            Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
            Assert.Equal(WatchResponseKind.Snapshot, watch.ResponseStream.Current.Kind);

            var registered = await client.RegisterAsync(Instances.Register(), deadline: Deadline);

            Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
            var change = Assert.Single(watch.ResponseStream.Current.Events);
            Assert.Equal((WatchEventType.Put, "i-1", registered.Revision), (change.Type, change.Instance.InstanceId, change.Revision));
            // The data is in the application's Redis, under the registry's prefix.
            var keys = await fixture.Server.CommandAsync($"KEYS {{{prefix}}}:*");
            Assert.Contains(prefix, keys, StringComparison.Ordinal);
            await Poll.UntilAsync(async () => await SubscribersAsync(prefix) == 1, because: "the store subscribed to its change feed on the shared multiplexer");
        }
        finally
        {
            await app.StopAsync().WaitAsync(TestTimeouts.Stop);
            await app.DisposeAsync();
        }

        // Disposed with the registry's service provider, the store left the application's multiplexer working...
        Assert.True(multiplexer.IsConnected);
        await multiplexer.GetDatabase().PingAsync().WaitAsync(TestTimeouts.Long);
        // ...and took its change-feed subscription away with it.
        await Poll.UntilAsync(async () => await SubscribersAsync(prefix) == 0, because: "the store unsubscribed from its channel");
    }

    [Fact]
    public async Task Store_KeyedMultiplexer_UsedWhenNamed()
    {
        var prefix = RedisStores.NewPrefix();
        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(fixture.Server.Configuration).WaitAsync(TestTimeouts.Long);
        var services = BaseServices(prefix, o => o.ConnectionServiceKey = "registry");
        services.AddKeyedSingleton<IConnectionMultiplexer>("registry", multiplexer);
        await using var provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<IOptions<RegistryRedisOptions>>().Value; // validates

        var store = (RedisRegistryStore)provider.GetRequiredKeyedService<IRegistryStore>("redis");
        await store.RegisterAsync("default", new InstanceRecord("orders", "a", "10.0.0.1", 5000, Instances.RevisionA, new Dictionary<string, string>()), TimeSpan.FromSeconds(30), CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Long);

        Assert.True(store.UsesSharedConnection);
        Assert.Single((await store.ListInstancesAsync("default", "orders", CancellationToken.None)).Instances);
    }

    [Fact]
    public async Task Store_ConfigurationSet_ConnectsItselfEvenWithAMultiplexerInDi()
    {
        var prefix = RedisStores.NewPrefix();
        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(fixture.Server.Configuration).WaitAsync(TestTimeouts.Long);
        var services = BaseServices(prefix, o => o.Configuration = fixture.Server.Configuration);
        services.AddSingleton<IConnectionMultiplexer>(multiplexer);
        await using var provider = services.BuildServiceProvider();

        var store = (RedisRegistryStore)provider.GetRequiredKeyedService<IRegistryStore>("redis");

        Assert.False(store.UsesSharedConnection);
    }

    [Theory]
    [InlineData(null, "Configuration is required")]
    [InlineData("registry", "ConnectionServiceKey 'registry' names no keyed IConnectionMultiplexer")]
    public async Task Validate_NoConfigurationAndNoMultiplexer_FailsSayingWhatToRegister(string? key, string expected)
    {
        var services = BaseServices(RedisStores.NewPrefix(), o => o.ConnectionServiceKey = key);
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RegistryRedisOptions>>().Value);

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Subscribers of the store's change channel (PUBSUB NUMSUB; the reply's last line is <c>:n</c>).</summary>
    private async Task<int> SubscribersAsync(string prefix)
    {
        var reply = await fixture.Server.CommandAsync($"PUBSUB NUMSUB {{{prefix}}}:changes");
        var last = reply.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        return int.Parse(last.TrimStart(':'), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static ServiceCollection BaseServices(string prefix, Action<RegistryRedisOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddLogging();
        services.Configure<RegistryOptions>(o => o.Store = "redis");
        services.AddIntrospectionRegistryRedisStore(o =>
        {
            o.KeyPrefix = prefix;
            configure(o);
        });
        return services;
    }

    private static async Task<WebApplication> StartRegistryAsync(string prefix, Action<IServiceCollection> services)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(e => e.Protocols = HttpProtocols.Http2));
        builder.Logging.ClearProviders();
        builder.Configuration["Introspection:Registry:Store"] = "redis";
        builder.Configuration["Introspection:Registry:Redis:KeyPrefix"] = prefix;
        services(builder.Services);
        builder.Services.AddIntrospectionRegistry();
        builder.Services.AddIntrospectionRegistryRedisStore();
        var app = builder.Build();
        app.MapIntrospectionRegistry();
        await app.StartAsync().WaitAsync(TestTimeouts.Start);
        return app;
    }
}
