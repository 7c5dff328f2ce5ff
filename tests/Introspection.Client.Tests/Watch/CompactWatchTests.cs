using Grpc.Core;
using Introspection.Client.Internal;
using Introspection.Client.Tests.Infrastructure;
using Introspection.Protocol.Registry.V1;

namespace Introspection.Client.Tests.Watch;

/// <summary>
/// The client's Watch in the compact form (protocol/COMPACT.md): it asks for it, resolves through it against a real
/// registry, and refuses a message it cannot expand with a clear error instead of routing to a half-read record.
/// </summary>
public sealed class CompactWatchTests
{
    private static readonly Protocol.Metadata.V1.MetadataInfo s_orders = TestMetadata.Create("orders", ("shop.Orders", "", ""));

    private readonly FakeMetadataFetcher _fetcher = new();

    public CompactWatchTests() => _fetcher.Add(s_orders);

    [Fact]
    public void BuildWatchRequest_AnyApps_AsksForCompact()
    {
        Assert.True(RegistryWatchLoop.BuildWatchRequest("prod", ["orders"], 0).Compact);
    }

    [Fact]
    public async Task ResolveAsync_InstancesSharingAppAndRevision_ResolvesEveryOneThroughTheCompactWatch()
    {
        await using var registry = await RegistryHost.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            await registry.Client.RegisterAsync(new RegisterRequest
            {
                Instance = new Instance { App = "orders", InstanceId = $"o{i}", Host = "127.0.0.1", Port = 5000 + i, Revision = s_orders.Revision },
                TtlMs = 300_000,
            }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        }

        await registry.Client.MapServiceAsync(new MapServiceRequest { App = "orders", Services = { "shop.Orders" } }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        await using var client = TestClients.Create(registry.Url, _fetcher);

        var endpoints = await client.ResolveAsync("shop.Orders").AsTask().WaitAsync(TestTimeouts.Call);

        Assert.Equal([5000, 5001, 5002], endpoints.Select(e => e.Port).Order());
        Assert.Equal(1, _fetcher.Calls);
    }

    [Fact]
    public async Task ResolveAsync_RegistrySendsAppRefOutsideItsTable_FailsNamingTheBadRef()
    {
        await using var registry = await BadRefRegistry.StartAsync();
        await using var client = TestClients.Create(registry.Url, _fetcher, o => o.ResolveTimeout = TimeSpan.FromSeconds(2));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => client.ResolveAsync("shop.Orders").AsTask().WaitAsync(TestTimeouts.Call));

        Assert.True(registry.Requests.TryPeek(out var request) && request.Compact, error.ToString());
        Assert.True(error.ToString().Contains("app_ref 7 is outside app_table", StringComparison.Ordinal), error.ToString());
    }
}
