using System.Net;
using Grpc.Core;
using Introspection.Client.Internal;
using Introspection.Client.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Introspection.Client.Tests.Connection;

public sealed class RegistryConnectionTests
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(7);

    [Fact]
    public void Constructor_EntriesWithCommas_OneGroupPerEntryInOrder()
    {
        using var connection = Create(["http://a:1, http://b:2", " ", "http://c:3"]);

        Assert.Equal(3, connection.Count);
        Assert.Equal([0, 0, 1], Enumerable.Range(0, connection.Count).Select(connection.GroupOf));
        Assert.Equal([new Uri("http://a:1"), new Uri("http://b:2"), new Uri("http://c:3")], Enumerable.Range(0, connection.Count).Select(connection.AddressOf));
        Assert.Equal(["http://a:1", "http://b:2", "http://c:3"], RegistryConnection.Split(["http://a:1, http://b:2", "http://c:3"]));
    }

    [Fact]
    public void Parse_EntriesWithCommas_RegistriesOfNodes()
    {
        var registries = RegistryConnection.Parse(["http://a:1,http://b:2", "https://c:3"]);

        Assert.Equal(2, registries.Count);
        Assert.Equal([new Uri("http://a:1"), new Uri("http://b:2")], registries[0]);
        Assert.Equal([new Uri("https://c:3")], registries[1]);
        Assert.Throws<UriFormatException>(() => RegistryConnection.Parse(["not-a-uri"]));
    }

    [Fact]
    public void MarkFailed_CurrentNode_MovesToTheNextAndWraps()
    {
        using var connection = Create(["http://a:1,http://b:2", "http://c:3"]);
        Assert.Equal(0, connection.Current().Index);

        connection.MarkFailed(0);
        Assert.Equal(1, connection.CurrentIndex);

        // A second caller reporting the same, already replaced node must not skip the healthy one.
        connection.MarkFailed(0);
        Assert.Equal(1, connection.CurrentIndex);

        connection.MarkFailed(1);
        Assert.Equal(new Uri("http://c:3"), connection.CurrentAddress);
        connection.MarkFailed(2);
        Assert.Equal(0, connection.Current().Index);
    }

    [Fact]
    public void MarkFailed_SingleNode_StaysOnIt()
    {
        using var connection = Create(["http://a:1"]);

        connection.MarkFailed(0);

        Assert.Equal(0, connection.CurrentIndex);
    }

    [Fact]
    public void Current_ConfigureHttpHandler_SeesTheSideDefaultsAndRunsOncePerChannel()
    {
        var seen = new List<(Uri Address, TimeSpan PingDelay, TimeSpan ConnectTimeout)>();
        using var connection = Create(["http://a:1,http://b:2"], new RegistryChannelOptions
        {
            ConfigureHttpHandler = (address, handler) => seen.Add((address, handler.KeepAlivePingDelay, handler.ConnectTimeout)),
        });

        connection.Current();
        connection.Current();
        connection.MarkFailed(0);
        connection.Current();

        Assert.Equal([(new Uri("http://a:1"), KeepAlive, CallTimeout), (new Uri("http://b:2"), KeepAlive, CallTimeout)], seen);
    }

    [Fact]
    public void ResetChannel_NextCall_BuildsANewChannel()
    {
        var built = 0;
        using var connection = Create(["http://a:1"], new RegistryChannelOptions { ConfigureHttpHandler = (_, _) => built++ });
        connection.Current();

        connection.ResetChannel(0);
        connection.Current();

        Assert.Equal(2, built);
    }

    [Fact]
    public void Current_CredentialsOnAnHttpAddress_Refused()
    {
        var credentials = CallCredentials.FromInterceptor((_, _) => Task.CompletedTask);
        using var connection = Create(["http://a:1"], new RegistryChannelOptions { Credentials = credentials });

        var error = Assert.Throws<InvalidOperationException>(() => connection.Current());
        Assert.Contains("https", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deadline_FromTheInjectedClock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        using var connection = new RegistryConnection(["http://a:1"], RegistryConnection.ClientDefaults(CallTimeout, KeepAlive, 1 << 20, NullLoggerFactory.Instance), time, NullLoggerFactory.Instance);

        Assert.Equal(time.GetUtcNow().UtcDateTime + CallTimeout, connection.Deadline());
    }

    [Fact]
    public async Task LookupServiceAsync_WrapHandler_CarriesTheRealCall()
    {
        await using var registry = await RegistryHost.StartAsync();
        await registry.RegisterAsync("app", "i1", "127.0.0.1", 5000, new string('a', 64), ["greet.Greeter"]);
        var counter = new CountingHandler();
        var configureChannel = 0;
        using var connection = Create([registry.Url], new RegistryChannelOptions
        {
            WrapHandler = inner =>
            {
                counter.InnerHandler = inner;
                return counter;
            },
            ConfigureChannel = (_, options) =>
            {
                Assert.Same(counter, options.HttpHandler);
                configureChannel++;
            },
        });

        var response = await connection.LookupServiceAsync("", "greet.Greeter", CancellationToken.None).WaitAsync(TestTimeouts.Call);

        Assert.Equal(["app"], response.Apps);
        Assert.Equal(1, counter.Requests);
        Assert.Equal(1, configureChannel);
    }

    [Fact]
    public async Task IntrospectionClient_RegistryChannelHook_CarriesItsWatchAndLookups()
    {
        await using var registry = await RegistryHost.StartAsync();
        var orders = TestMetadata.Create("orders", ("shop.Orders", "", ""));
        await registry.RegisterAsync("orders", "o1", "10.0.1.1", 5001, orders.Revision, ["shop.Orders"]);
        var fetcher = new FakeMetadataFetcher();
        fetcher.Add(orders);
        var counter = new CountingHandler();
        await using var client = TestClients.Create(registry.Url, fetcher, o => o.RegistryChannel = new RegistryChannelOptions
        {
            WrapHandler = inner =>
            {
                counter.InnerHandler = inner;
                return counter;
            },
        });

        var endpoints = await client.ResolveAsync("shop.Orders").AsTask().WaitAsync(TestTimeouts.Short);

        Assert.Equal(["o1"], endpoints.Select(e => e.InstanceId));
        // The consumer's registry calls (LookupService, Watch) went through the hook, not a channel of its own.
        Assert.True(counter.Requests >= 2, $"{counter.Requests} registry requests went through the hook");
    }

    [Fact]
    public async Task LookupServiceAsync_FirstNodeDown_AnsweredByTheSecond()
    {
        await using var registry = await RegistryHost.StartAsync();
        await registry.RegisterAsync("app", "i1", "127.0.0.1", 5000, new string('a', 64), ["greet.Greeter"]);
        using var connection = Create([$"http://127.0.0.1:{FreePort.Get()},{registry.Url}"]);

        var response = await connection.LookupServiceAsync("", "greet.Greeter", CancellationToken.None).WaitAsync(TestTimeouts.Call);

        Assert.Equal(["app"], response.Apps);
        Assert.Equal(1, connection.CurrentIndex);
    }

    private static RegistryConnection Create(IEnumerable<string> entries, RegistryChannelOptions? hooks = null) =>
        new(entries, RegistryConnection.ClientDefaults(CallTimeout, KeepAlive, 1 << 20, NullLoggerFactory.Instance, hooks), TimeProvider.System, NullLoggerFactory.Instance);


    private sealed class CountingHandler : DelegatingHandler
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
