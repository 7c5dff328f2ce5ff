using Grpc.Core;
using Introspection.Client;
using Introspection.ServiceDiscovery.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Introspection.ServiceDiscovery.Tests.Http;

/// <summary>The client picks an app's instances by the HTTP endpoints their metadata lists.</summary>
public sealed class AppResolutionTests
{
    [Fact]
    public async Task ResolveApp_RouteFilter_PicksOnlyInstancesServingTheRoute()
    {
        await using var registry = await RegistryHost.StartAsync();
        // Two builds of one app: only the newer one has /carts.
        await using var old = await HttpProviders.StartAsync(registry, "shop", "old", web => web.MapGet("/orders/{id:int}", (int id) => id));
        await using var @new = await HttpProviders.StartAsync(registry, "shop", "new", web =>
        {
            web.MapGet("/orders/{id:int}", (int id) => id);
            web.MapPost("/carts", () => Results.Created());
        });
        await using var consumer = ConsumerHost.Create(registry);
        var client = consumer.Client;

        var all = await client.ResolveAppAsync(new AppTarget("shop"));
        var orders = await client.ResolveAppAsync(new AppTarget("shop", "/orders/42"));
        var carts = await client.ResolveAppAsync(new AppTarget("shop", "/carts", "post"));
        var cartsTemplate = await client.ResolveAppAsync(new AppTarget("shop", "/carts"));

        Assert.Equal(["new", "old"], all.Select(e => e.InstanceId).Order(StringComparer.Ordinal));
        Assert.Equal(["new", "old"], orders.Select(e => e.InstanceId).Order(StringComparer.Ordinal));
        Assert.Equal("new", Assert.Single(carts).InstanceId);
        Assert.Equal(@new.Port, carts[0].Port);
        Assert.Equal("new", Assert.Single(cartsTemplate).InstanceId);
        var wrongMethod = await Assert.ThrowsAsync<RpcException>(() => client.ResolveAppAsync(new AppTarget("shop", "/carts", "DELETE")).AsTask());
        Assert.Equal(StatusCode.Unavailable, wrongMethod.StatusCode);
        Assert.Contains("shop", wrongMethod.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubscribeApp_InstanceJoins_ChangeIsPushed()
    {
        await using var registry = await RegistryHost.StartAsync();
        await using var first = await HttpProviders.StartAsync(registry, "shop", "first");
        await using var consumer = ConsumerHost.Create(registry);
        var counts = new List<int>();
        using var subscription = consumer.Client.SubscribeApp(new AppTarget("shop"), r =>
        {
            lock (counts)
            {
                counts.Add(r.Endpoints.Count);
            }
        });
        await Poll.UntilAsync(() => { lock (counts) { return counts.Contains(1); } }, TestTimeouts.Condition, "the first answer was delivered");

        await using var second = await HttpProviders.StartAsync(registry, "shop", "second");

        await Poll.UntilAsync(() => { lock (counts) { return counts.Contains(2); } }, TestTimeouts.Condition, "the joined instance was pushed");
    }

    [Fact]
    public void AppTarget_BadParts_ThrowNamingThem()
    {
        Assert.Contains("app name", Assert.Throws<ArgumentException>(() => new AppTarget("")).Message, StringComparison.Ordinal);
        Assert.Contains("'/'", Assert.Throws<ArgumentException>(() => new AppTarget("shop", "carts")).Message, StringComparison.Ordinal);
        Assert.Contains("contains", Assert.Throws<ArgumentException>(() => new AppTarget("sh op")).Message, StringComparison.Ordinal);
        Assert.Contains("route", Assert.Throws<ArgumentException>(() => new AppTarget("shop", null, "GET")).Message, StringComparison.Ordinal);
        Assert.Equal("GET", new AppTarget("shop", "/x", "get").HttpMethod);
    }
}
