using Grpc.Core;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Tests.Infrastructure;

namespace Introspection.Registry.Tests.Functional;

/// <summary>Each kind of bad request gets its status over real gRPC, and the stored state stays exactly as it was.</summary>
public sealed class BadRequestTests(RegistryHostFixture fixture) : IClassFixture<RegistryHostFixture>
{
    private const string Ns = "badreq";

    public static TheoryData<string, StatusCode> Cases => new()
    {
        { "register: instance missing", StatusCode.InvalidArgument },
        { "register: namespace charset", StatusCode.InvalidArgument },
        { "register: namespace too long", StatusCode.InvalidArgument },
        { "register: app empty", StatusCode.InvalidArgument },
        { "register: app charset", StatusCode.InvalidArgument },
        { "register: instance_id too long", StatusCode.InvalidArgument },
        { "register: host wildcard", StatusCode.InvalidArgument },
        { "register: host not a name", StatusCode.InvalidArgument },
        { "register: port 0", StatusCode.InvalidArgument },
        { "register: port 70000", StatusCode.InvalidArgument },
        { "register: revision malformed", StatusCode.InvalidArgument },
        { "register: ttl negative", StatusCode.InvalidArgument },
        { "register: too many labels", StatusCode.ResourceExhausted },
        { "register: labels too large", StatusCode.ResourceExhausted },
        { "register: label key charset", StatusCode.InvalidArgument },
        { "register: replace existing with bad host", StatusCode.InvalidArgument },
        { "update: unknown instance", StatusCode.NotFound },
        { "update: revision malformed", StatusCode.InvalidArgument },
        { "update: too many labels", StatusCode.ResourceExhausted },
        { "deregister: unknown instance", StatusCode.NotFound },
        { "deregister: instance_id empty", StatusCode.InvalidArgument },
        { "map: no services", StatusCode.InvalidArgument },
        { "map: 1025 services", StatusCode.ResourceExhausted },
        { "map: service charset", StatusCode.InvalidArgument },
        { "lookup: service empty", StatusCode.InvalidArgument },
        { "list instances: app charset", StatusCode.InvalidArgument },
        { "watch: 1025 apps", StatusCode.ResourceExhausted },
        { "watch: since_revision negative", StatusCode.InvalidArgument },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Call_BadRequest_StatusAndStateUnchanged(string name, StatusCode expected)
    {
        var client = fixture.Server.Client;
        await EnsureBaselineAsync(client);
        var before = await CaptureAsync(client);

        var ex = await Assert.ThrowsAsync<RpcException>(() => SendAsync(client, name)).WaitAsync(TestTimeouts.Long);

        Assert.Equal(expected, ex.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(ex.Status.Detail));
        Assert.Equal(before, await CaptureAsync(client));
    }

    [Fact]
    public async Task KeepAlive_BadLeaseIds_PerResponseCodesAndStreamStaysOpen()
    {
        var client = fixture.Server.Client;
        var good = await client.RegisterAsync(new RegisterRequest { Namespace = "keepalive", Instance = Instances.Create() }, deadline: Deadline());
        using var call = client.KeepAlive(deadline: Deadline());

        await call.RequestStream.WriteAsync(new KeepAliveRequest { Namespace = "keepalive", LeaseId = 0 });
        await call.RequestStream.WriteAsync(new KeepAliveRequest { Namespace = "bad ns", LeaseId = good.LeaseId });
        await call.RequestStream.WriteAsync(new KeepAliveRequest { Namespace = "other", LeaseId = good.LeaseId });
        await call.RequestStream.WriteAsync(new KeepAliveRequest { Namespace = "keepalive", LeaseId = good.LeaseId });
        await call.RequestStream.CompleteAsync();

        var codes = new List<int>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(TestTimeouts.Long))
        {
            codes.Add(call.ResponseStream.Current.Code);
            Assert.Equal(codes[^1] == 0, string.IsNullOrEmpty(call.ResponseStream.Current.Message));
        }

        Assert.Equal([(int)StatusCode.InvalidArgument, (int)StatusCode.InvalidArgument, (int)StatusCode.NotFound, 0], codes);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    private static Task SendAsync(Protocol.Registry.V1.Registry.RegistryClient client, string name)
    {
        var deadline = Deadline();
        RegisterRequest Register(Action<Instance> change, long ttl = 0, string ns = Ns)
        {
            var instance = Instances.Create(id: "new");
            change(instance);
            return new RegisterRequest { Namespace = ns, Instance = instance, TtlMs = ttl };
        }

        switch (name)
        {
            case "register: instance missing": return client.RegisterAsync(new RegisterRequest { Namespace = Ns }, deadline: deadline).ResponseAsync;
            case "register: namespace charset": return client.RegisterAsync(Register(_ => { }, ns: "bad ns"), deadline: deadline).ResponseAsync;
            case "register: namespace too long": return client.RegisterAsync(Register(_ => { }, ns: new string('n', 64)), deadline: deadline).ResponseAsync;
            case "register: app empty": return client.RegisterAsync(Register(i => i.App = ""), deadline: deadline).ResponseAsync;
            case "register: app charset": return client.RegisterAsync(Register(i => i.App = "orders/v2"), deadline: deadline).ResponseAsync;
            case "register: instance_id too long": return client.RegisterAsync(Register(i => i.InstanceId = new string('i', 201)), deadline: deadline).ResponseAsync;
            case "register: host wildcard": return client.RegisterAsync(Register(i => i.Host = "0.0.0.0"), deadline: deadline).ResponseAsync;
            case "register: host not a name": return client.RegisterAsync(Register(i => i.Host = "my_host!"), deadline: deadline).ResponseAsync;
            case "register: port 0": return client.RegisterAsync(Register(i => i.Port = 0), deadline: deadline).ResponseAsync;
            case "register: port 70000": return client.RegisterAsync(Register(i => i.Port = 70000), deadline: deadline).ResponseAsync;
            case "register: revision malformed": return client.RegisterAsync(Register(i => i.Revision = "v1"), deadline: deadline).ResponseAsync;
            case "register: ttl negative": return client.RegisterAsync(Register(_ => { }, ttl: -1), deadline: deadline).ResponseAsync;
            case "register: too many labels":
                return client.RegisterAsync(Register(i => { for (var n = 0; n < 17; n++) { i.Labels[$"k{n}"] = "v"; } }), deadline: deadline).ResponseAsync;
            case "register: labels too large":
                return client.RegisterAsync(Register(i => { for (var n = 0; n < 6; n++) { i.Labels[$"k{n}"] = new string('v', 250); } }), deadline: deadline).ResponseAsync;
            case "register: label key charset": return client.RegisterAsync(Register(i => i.Labels["bad key"] = "v"), deadline: deadline).ResponseAsync;
            case "register: replace existing with bad host": return client.RegisterAsync(Register(i => { i.InstanceId = "base"; i.Host = "::"; }), deadline: deadline).ResponseAsync;
            case "update: unknown instance":
                return client.UpdateInstanceAsync(new UpdateInstanceRequest { Namespace = Ns, App = "orders", InstanceId = "nope", Revision = Instances.RevisionB }, deadline: deadline).ResponseAsync;
            case "update: revision malformed":
                return client.UpdateInstanceAsync(new UpdateInstanceRequest { Namespace = Ns, App = "orders", InstanceId = "base", Revision = "XYZ" }, deadline: deadline).ResponseAsync;
            case "update: too many labels":
                var update = new UpdateInstanceRequest { Namespace = Ns, App = "orders", InstanceId = "base", SetLabels = true };
                for (var n = 0; n < 17; n++)
                {
                    update.Labels[$"k{n}"] = "v";
                }

                return client.UpdateInstanceAsync(update, deadline: deadline).ResponseAsync;
            case "deregister: unknown instance": return client.DeregisterAsync(new DeregisterRequest { Namespace = Ns, App = "orders", InstanceId = "nope" }, deadline: deadline).ResponseAsync;
            case "deregister: instance_id empty": return client.DeregisterAsync(new DeregisterRequest { Namespace = Ns, App = "orders" }, deadline: deadline).ResponseAsync;
            case "map: no services": return client.MapServiceAsync(new MapServiceRequest { Namespace = Ns, App = "orders" }, deadline: deadline).ResponseAsync;
            case "map: 1025 services":
                var map = new MapServiceRequest { Namespace = Ns, App = "orders" };
                map.Services.AddRange(Enumerable.Range(0, 1025).Select(n => $"svc.S{n}"));
                return client.MapServiceAsync(map, deadline: deadline).ResponseAsync;
            case "map: service charset": return client.MapServiceAsync(new MapServiceRequest { Namespace = Ns, App = "orders", Services = { "shop.Orders", "shop/Refunds" } }, deadline: deadline).ResponseAsync;
            case "lookup: service empty": return client.LookupServiceAsync(new LookupServiceRequest { Namespace = Ns }, deadline: deadline).ResponseAsync;
            case "list instances: app charset": return client.ListInstancesAsync(new ListInstancesRequest { Namespace = Ns, App = "a b" }, deadline: deadline).ResponseAsync;
            case "watch: 1025 apps":
                var watch = new WatchRequest { Namespace = Ns };
                watch.Apps.AddRange(Enumerable.Range(0, 1025).Select(n => $"app{n}"));
                return ReadFirstAsync(client, watch);
            case "watch: since_revision negative": return ReadFirstAsync(client, new WatchRequest { Namespace = Ns, SinceRevision = -1 });
            default: throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown case.");
        }
    }

    private static async Task ReadFirstAsync(Protocol.Registry.V1.Registry.RegistryClient client, WatchRequest request)
    {
        using var call = client.Watch(request, deadline: Deadline());
        await call.ResponseStream.MoveNext(CancellationToken.None);
    }

    private static async Task EnsureBaselineAsync(Protocol.Registry.V1.Registry.RegistryClient client)
    {
        var existing = await client.ListInstancesAsync(new ListInstancesRequest { Namespace = Ns, App = "orders" }, deadline: Deadline());
        if (existing.Instances.Count == 0)
        {
            await client.RegisterAsync(new RegisterRequest { Namespace = Ns, Instance = Instances.Create(id: "base"), TtlMs = 300_000 }, deadline: Deadline());
            await client.MapServiceAsync(new MapServiceRequest { Namespace = Ns, App = "orders", Services = { "shop.Orders" } }, deadline: Deadline());
        }
    }

    private static async Task<string> CaptureAsync(Protocol.Registry.V1.Registry.RegistryClient client)
    {
        var apps = await client.ListAppsAsync(new ListAppsRequest { Namespace = Ns }, deadline: Deadline());
        var instances = await client.ListInstancesAsync(new ListInstancesRequest { Namespace = Ns, App = "orders" }, deadline: Deadline());
        var lookup = await client.LookupServiceAsync(new LookupServiceRequest { Namespace = Ns, Service = "shop.Orders" }, deadline: Deadline());
        var defaults = await client.ListAppsAsync(new ListAppsRequest(), deadline: Deadline());

        // Revisions included: a rejected request must not even take a revision.
        return string.Join('\n', apps, instances, lookup, defaults);
    }

    private static DateTime Deadline() => DateTime.UtcNow.Add(TestTimeouts.Long);
}
