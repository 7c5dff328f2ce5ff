using System.Diagnostics.Metrics;
using Grpc.Core;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Introspection.Registry.Tests.Functional;

/// <summary>The caps of <c>Introspection:Registry:Limits</c> and the unmapping, over real gRPC: status, message naming the key.</summary>
public sealed class LimitsTests
{
    private static DateTime Deadline => DateTime.UtcNow.Add(TestTimeouts.Long);

    [Fact]
    public async Task Register_PastMaxInstancesPerNamespace_ResourceExhaustedNamingTheLimit()
    {
        await using var server = await RegistryHost.StartAsync("--Introspection:Registry:Limits:MaxInstancesPerNamespace=2");
        using var rejections = new MetricCollector<long>(server.Services.GetRequiredService<IMeterFactory>(), RegistryMetricNames.MeterName, RegistryMetricNames.LimitRejections);
        await server.Client.RegisterAsync(Instances.Register(id: "a"), deadline: Deadline);
        await server.Client.RegisterAsync(Instances.Register(id: "b"), deadline: Deadline);

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await server.Client.RegisterAsync(Instances.Register(id: "c"), deadline: Deadline));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("Introspection:Registry:Limits:MaxInstancesPerNamespace (2)", ex.Status.Detail, StringComparison.Ordinal);
        var rejection = Assert.Single(rejections.GetMeasurementSnapshot());
        Assert.Equal((1L, "MaxInstancesPerNamespace"), (rejection.Value, rejection.Tags["introspection.limit"]));
        Assert.Equal(2, (await server.Client.ListInstancesAsync(new ListInstancesRequest { App = "orders" }, deadline: Deadline)).Instances.Count);
    }

    [Fact]
    public async Task Register_PastMaxNamespaces_ResourceExhausted()
    {
        await using var server = await RegistryHost.StartAsync("--Introspection:Registry:Limits:MaxNamespaces=1");
        await server.Client.RegisterAsync(Instances.Register(ns: "one"), deadline: Deadline);

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await server.Client.RegisterAsync(Instances.Register(ns: "two"), deadline: Deadline));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("Limits:MaxNamespaces (1)", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapService_PastMappingCaps_ResourceExhausted()
    {
        await using var server = await RegistryHost.StartAsync(
            "--Introspection:Registry:Limits:MaxServicesPerApp=2",
            "--Introspection:Registry:Limits:MaxMappingsPerNamespace=3");
        await server.Client.MapServiceAsync(Map("orders", "s.A", "s.B"), deadline: Deadline);

        var perApp = await Assert.ThrowsAsync<RpcException>(async () => await server.Client.MapServiceAsync(Map("orders", "s.C"), deadline: Deadline));
        await server.Client.MapServiceAsync(Map("billing", "s.A"), deadline: Deadline);
        var perNamespace = await Assert.ThrowsAsync<RpcException>(async () => await server.Client.MapServiceAsync(Map("shipping", "s.A"), deadline: Deadline));

        Assert.Equal((StatusCode.ResourceExhausted, StatusCode.ResourceExhausted), (perApp.StatusCode, perNamespace.StatusCode));
        Assert.Contains("Limits:MaxServicesPerApp (2)", perApp.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("Limits:MaxMappingsPerNamespace (3)", perNamespace.Status.Detail, StringComparison.Ordinal);
        Assert.Empty((await server.Client.LookupServiceAsync(new LookupServiceRequest { Service = "s.C" }, deadline: Deadline)).Apps);
    }

    [Fact]
    public async Task MapService_MoreNamesThanMaxServicesPerMapService_ResourceExhaustedNothingMapped()
    {
        await using var server = await RegistryHost.StartAsync();
        var names = Enumerable.Range(0, 257).Select(i => $"junk.S{i}").ToArray();

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await server.Client.MapServiceAsync(Map("orders", names), deadline: Deadline));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("Limits:MaxServicesPerMapService (256)", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Empty((await server.Client.LookupServiceAsync(new LookupServiceRequest { Service = "junk.S0" }, deadline: Deadline)).Apps);
        await server.Client.MapServiceAsync(Map("orders", names[..256]), deadline: Deadline);
    }

    [Fact]
    public async Task Watch_PastMaxWatchStreamsPerNamespace_ResourceExhaustedUntilOneCloses()
    {
        await using var server = await RegistryHost.StartAsync("--Introspection:Registry:Limits:MaxWatchStreamsPerNamespace=2");
        using var first = await OpenWatchAsync(server, "default");
        using var second = await OpenWatchAsync(server, "default");
        using var elsewhere = await OpenWatchAsync(server, "other");

        using var third = server.Client.Watch(new WatchRequest(), deadline: Deadline);
        var ex = await Assert.ThrowsAsync<RpcException>(() => third.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("Limits:MaxWatchStreamsPerNamespace (2)", ex.Status.Detail, StringComparison.Ordinal);

        // A closed stream frees its slot (the server notices the cancellation asynchronously).
        first.Dispose();
        await Poll.UntilAsync(async () =>
        {
            using var retry = server.Client.Watch(new WatchRequest(), deadline: Deadline);
            try
            {
                return await retry.ResponseStream.MoveNext(CancellationToken.None);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted)
            {
                return false;
            }
        }, because: "the closed stream's slot is free again");
    }

    [Fact]
    public async Task MapService_AppWithoutInstancesForUnmapAfter_MappingDeleteWatchedAndLookupEmpty()
    {
        await using var server = await RegistryHost.StartAsync("--Introspection:Registry:Limits:UnmapAfter=00:00:01");
        using var watch = server.Client.Watch(new WatchRequest { IncludeServiceMappings = true }, deadline: Deadline);
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None));
        await server.Client.MapServiceAsync(Map("ghost", "s.A", "s.B"), deadline: Deadline);
        await server.Client.MapServiceAsync(Map("live", "s.A"), deadline: Deadline);
        await server.Client.RegisterAsync(Instances.Register(app: "live", ttlMs: 60_000), deadline: Deadline);

        var events = new List<WatchEvent>();
        while (events.Count(e => e.Type == WatchEventType.MappingDelete) < 2)
        {
            Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None));
            events.AddRange(watch.ResponseStream.Current.Events);
        }

        Assert.Equal(
            [("s.A", "ghost"), ("s.B", "ghost")],
            events.Where(e => e.Type == WatchEventType.MappingDelete).Select(e => (e.Mapping.Service, e.Mapping.App)));
        Assert.Equal(["live"], (await server.Client.LookupServiceAsync(new LookupServiceRequest { Service = "s.A" }, deadline: Deadline)).Apps);
        Assert.Empty((await server.Client.LookupServiceAsync(new LookupServiceRequest { Service = "s.B" }, deadline: Deadline)).Apps);
    }

    private static MapServiceRequest Map(string app, params string[] services)
    {
        var request = new MapServiceRequest { App = app };
        request.Services.AddRange(services);
        return request;
    }

    private static async Task<AsyncServerStreamingCall<WatchResponse>> OpenWatchAsync(RegistryHost server, string ns)
    {
        var call = server.Client.Watch(new WatchRequest { Namespace = ns }, deadline: Deadline);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(TestTimeouts.Long));
        return call;
    }
}
