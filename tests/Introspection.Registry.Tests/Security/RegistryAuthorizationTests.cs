using Grpc.Core;
using Grpc.Health.V1;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Security;
using Introspection.Registry.Tests.Infrastructure;

namespace Introspection.Registry.Tests.Security;

/// <summary>
/// Authentication, grants and lease ownership over real gRPC, with API-key principals; run on each store
/// (<see cref="MemoryRegistryAuthorizationTests"/>, <see cref="RedisRegistryAuthorizationTests"/>).
/// </summary>
public abstract class RegistryAuthorizationTests
{
    private protected abstract Task<SecuredRegistry> StartAsync(params string[] settings);

    [Fact]
    public async Task Calls_WithoutCredentials_UnauthenticatedAndHealthStillAnonymous()
    {
        await using var registry = await StartAsync();

        var list = await Assert.ThrowsAsync<RpcException>(() => registry.Client.ListAppsAsync(new ListAppsRequest(), deadline: DateTime.UtcNow.Add(TestTimeouts.Call)).ResponseAsync);
        var register = await Assert.ThrowsAsync<RpcException>(() => registry.Client.RegisterAsync(Instances.Register(), deadline: DateTime.UtcNow.Add(TestTimeouts.Call)).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, list.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, register.StatusCode);
        Assert.Contains("authorization: Bearer", register.Status.Detail, StringComparison.Ordinal);
        var health = await new Health.HealthClient(registry.Host.Channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.Add(TestTimeouts.Call));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.Empty(await registry.ListAsAdminAsync("orders"));
    }

    [Fact]
    public async Task Calls_WithUnknownApiKey_UnauthenticatedWithoutEchoingTheKey()
    {
        await using var registry = await StartAsync();
        var wrong = SecuritySettings.NewKey();

        var ex = await Assert.ThrowsAsync<RpcException>(() => registry.RegisterAsync(wrong, "orders", "o1"));

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Contains("not a known API key", ex.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, ex.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(await registry.ListAsAdminAsync("orders"));
    }

    [Fact]
    public async Task Register_ReadOnlyPrincipal_PermissionDeniedNamingTheGrant()
    {
        await using var registry = await StartAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => registry.RegisterAsync(registry.ReaderKey, "orders", "o1"));
        var read = await registry.Client.ListAppsAsync(new ListAppsRequest(), SecuritySettings.As(registry.ReaderKey));

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.Contains("'default:write:orders'", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(SecuredRegistry.Reader, ex.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(read.Apps);
    }

    [Fact]
    public async Task AppAPrincipal_RegistersRenewsUpdatesOrDeregistersAppB_RefusedAndNothingChanged()
    {
        await using var registry = await StartAsync();
        var payments = await registry.RegisterAsync(registry.PaymentsKey, "payments", "p1");
        var before = Assert.Single(await registry.ListAsAdminAsync("payments"));

        var register = await Assert.ThrowsAsync<RpcException>(() => registry.RegisterAsync(registry.OrdersKey, "payments", "p2", host: "10.6.6.6"));
        var replace = await Assert.ThrowsAsync<RpcException>(() => registry.RegisterAsync(registry.OrdersKey, "payments", "p1", host: "10.6.6.6"));
        var update = await Assert.ThrowsAsync<RpcException>(() => registry.Client.UpdateInstanceAsync(new UpdateInstanceRequest { App = "payments", InstanceId = "p1", Revision = Instances.RevisionB }, SecuritySettings.As(registry.OrdersKey)).ResponseAsync);
        var deregister = await Assert.ThrowsAsync<RpcException>(() => registry.Client.DeregisterAsync(new DeregisterRequest { App = "payments", InstanceId = "p1" }, SecuritySettings.As(registry.OrdersKey)).ResponseAsync);
        var renewal = await registry.RenewOnceAsync(registry.OrdersKey, payments.LeaseId);
        var unknown = await registry.RenewOnceAsync(registry.OrdersKey, payments.LeaseId ^ 0x5555);

        Assert.All([register, replace, update, deregister], e => Assert.Equal(StatusCode.PermissionDenied, e.StatusCode));
        Assert.Contains("'default:write:payments'", deregister.Status.Detail, StringComparison.Ordinal);
        // Someone else's lease is answered exactly like a lease that does not exist.
        Assert.Equal((int)StatusCode.NotFound, renewal.Code);
        Assert.Equal((unknown.Code, unknown.TtlMs), (renewal.Code, renewal.TtlMs));
        Assert.Equal(unknown.Message.Replace((payments.LeaseId ^ 0x5555).ToString(System.Globalization.CultureInfo.InvariantCulture), "#", StringComparison.Ordinal), renewal.Message.Replace(payments.LeaseId.ToString(System.Globalization.CultureInfo.InvariantCulture), "#", StringComparison.Ordinal));
        var after = Assert.Single(await registry.ListAsAdminAsync("payments"));
        Assert.Equal((before.Host, before.Revision, before.ModRevision), (after.Host, after.Revision, after.ModRevision));
        Assert.Equal(0, (await registry.RenewOnceAsync(registry.PaymentsKey, payments.LeaseId)).Code);
    }

    [Fact]
    public async Task SameAppStranger_ReRegistersOrChangesAnothersInstance_RefusedOwnerLeaseStillRenews()
    {
        await using var registry = await StartAsync();
        var owner = await registry.RegisterAsync(registry.OrdersKey, "orders", "o1");

        var takeover = await Assert.ThrowsAsync<RpcException>(() => registry.RegisterAsync(registry.Orders2Key, "orders", "o1", host: "10.6.6.6"));
        var deregister = await Assert.ThrowsAsync<RpcException>(() => registry.Client.DeregisterAsync(new DeregisterRequest { App = "orders", InstanceId = "o1" }, SecuritySettings.As(registry.Orders2Key)).ResponseAsync);
        var update = await Assert.ThrowsAsync<RpcException>(() => registry.Client.UpdateInstanceAsync(new UpdateInstanceRequest { App = "orders", InstanceId = "o1", Revision = Instances.RevisionB }, SecuritySettings.As(registry.Orders2Key)).ResponseAsync);
        var renewal = await registry.RenewOnceAsync(registry.Orders2Key, owner.LeaseId);

        Assert.All([takeover, deregister, update], e => Assert.Equal(StatusCode.PermissionDenied, e.StatusCode));
        Assert.Contains("owned by another principal", takeover.Status.Detail, StringComparison.Ordinal);
        Assert.Equal((int)StatusCode.NotFound, renewal.Code);
        var listed = Assert.Single(await registry.ListAsAdminAsync("orders"));
        Assert.Equal(("10.0.0.1", Instances.RevisionA), (listed.Host, listed.Revision));
        Assert.Equal(0, (await registry.RenewOnceAsync(registry.OrdersKey, owner.LeaseId)).Code);
        // The stranger's own instances of the app are its own business.
        await registry.RegisterAsync(registry.Orders2Key, "orders", "o2");
        Assert.Equal(2, (await registry.ListAsAdminAsync("orders")).Count);
    }

    [Fact]
    public async Task Admin_DeregistersAnothersInstance_AllowedAndAudited()
    {
        await using var registry = await StartAsync();
        await registry.RegisterAsync(registry.OrdersKey, "orders", "o1");

        await registry.Client.DeregisterAsync(new DeregisterRequest { App = "orders", InstanceId = "o1" }, SecuritySettings.As(registry.AdminKey));

        Assert.Empty(await registry.ListAsAdminAsync("orders"));
        var audit = Assert.Single(registry.Host.LogCollector.GetSnapshot(), r => r.Category == RegistryAudit.CategoryName && r.Id.Id == 602);
        Assert.Contains(SecuredRegistry.Admin, audit.Message, StringComparison.Ordinal);
        Assert.Contains("as admin: True", audit.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_WritesAndDenials_RecordWhoWhatWhereAndNeverTheKey()
    {
        await using var registry = await StartAsync();
        await registry.RegisterAsync(registry.OrdersKey, "orders", "o1");
        var map = new MapServiceRequest { App = "orders", Services = { "shop.Orders" } };
        await registry.Client.MapServiceAsync(map, SecuritySettings.As(registry.OrdersKey));
        await Assert.ThrowsAsync<RpcException>(() => registry.RegisterAsync(registry.ReaderKey, "orders", "o9"));
        await Assert.ThrowsAsync<RpcException>(() => registry.RegisterAsync(SecuritySettings.NewKey(), "orders", "o9"));
        await registry.Client.DeregisterAsync(new DeregisterRequest { App = "orders", InstanceId = "o1" }, SecuritySettings.As(registry.OrdersKey));

        var all = registry.Host.LogCollector.GetSnapshot();
        var audit = all.Where(r => r.Category == RegistryAudit.CategoryName).ToList();
        var registered = Assert.Single(audit, r => r.Id.Id == 600);
        Assert.Contains($"{SecuredRegistry.OrdersWriter} (ApiKey) registered default/orders/o1", registered.Message, StringComparison.Ordinal);
        Assert.Matches(@"from 127\.0\.0\.1:\d+", registered.Message);
        Assert.Contains(audit, r => r.Id.Id == 603 && r.Message.Contains("default/orders", StringComparison.Ordinal));
        Assert.Contains(audit, r => r.Id.Id == 602 && r.Message.Contains(SecuredRegistry.OrdersWriter, StringComparison.Ordinal));
        var denied = Assert.Single(audit, r => r.Id.Id == 604);
        Assert.Contains(SecuredRegistry.Reader, denied.Message, StringComparison.Ordinal);
        Assert.Contains("missing_grant", denied.Message, StringComparison.Ordinal);
        Assert.Contains(audit, r => r.Id.Id == 605 && r.Message.Contains("invalid_credentials", StringComparison.Ordinal));
        foreach (var key in registry.AllKeys)
        {
            Assert.DoesNotContain(all, r => r.Message.Contains(key, StringComparison.Ordinal) || (r.Exception?.ToString().Contains(key, StringComparison.Ordinal) ?? false));
        }
    }

    [Fact]
    public async Task Writes_PastPrincipalRate_ResourceExhaustedNamingTheLimitOthersStillServed()
    {
        await using var registry = await StartAsync("--Introspection:Registry:Limits:WritesPerSecondPerPrincipal=0.01", "--Introspection:Registry:Limits:WriteBurstPerPrincipal=3");
        for (var i = 0; i < 3; i++)
        {
            await registry.RegisterAsync(registry.OrdersKey, "orders", $"o{i}");
        }

        var ex = await Assert.ThrowsAsync<RpcException>(() => registry.RegisterAsync(registry.OrdersKey, "orders", "o3"));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("Introspection:Registry:Limits:WritesPerSecondPerPrincipal", ex.Status.Detail, StringComparison.Ordinal);
        await registry.RegisterAsync(registry.PaymentsKey, "payments", "p1");
        // Reads and renewals are not writes: the throttled principal still reads.
        Assert.Equal(3, (await registry.Client.ListInstancesAsync(new ListInstancesRequest { App = "orders" }, SecuritySettings.As(registry.OrdersKey))).Instances.Count);
    }

    [Fact]
    public async Task Watch_PastStreamsPerPrincipal_ResourceExhaustedOthersStillWatch()
    {
        await using var registry = await StartAsync("--Introspection:Registry:Limits:MaxWatchStreamsPerPrincipal=1");
        using var cts = new CancellationTokenSource(TestTimeouts.Long);
        using var first = registry.Client.Watch(new WatchRequest(), SecuritySettings.Bearer(registry.ReaderKey), cancellationToken: cts.Token);
        Assert.True(await first.ResponseStream.MoveNext(cts.Token));

        using var second = registry.Client.Watch(new WatchRequest(), SecuritySettings.Bearer(registry.ReaderKey), cancellationToken: cts.Token);
        var ex = await Assert.ThrowsAsync<RpcException>(() => second.ResponseStream.MoveNext(cts.Token));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("Limits:MaxWatchStreamsPerPrincipal", ex.Status.Detail, StringComparison.Ordinal);
        using var other = registry.Client.Watch(new WatchRequest(), SecuritySettings.Bearer(registry.OrdersKey), cancellationToken: cts.Token);
        Assert.True(await other.ResponseStream.MoveNext(cts.Token));
    }

    [Fact]
    public async Task Register_PastInstancesPerPrincipal_ResourceExhaustedNamingTheLimit()
    {
        await using var registry = await StartAsync("--Introspection:Registry:Limits:MaxInstancesPerPrincipal=1");
        await registry.RegisterAsync(registry.OrdersKey, "orders", "o1");

        var ex = await Assert.ThrowsAsync<RpcException>(() => registry.RegisterAsync(registry.OrdersKey, "orders", "o2"));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("Limits:MaxInstancesPerPrincipal", ex.Status.Detail, StringComparison.Ordinal);
        await registry.RegisterAsync(registry.PaymentsKey, "payments", "p1");
    }

    [Fact]
    public async Task KeepAlive_ApiKeyRotatedMidStream_StreamKeepsRenewingNewCallsUseNewKey()
    {
        var newKey = SecuritySettings.NewKey();
        // Rotation: the new key names the same principal; old and new are both configured for the switch-over.
        await using var registry = await StartAsync([.. SecuritySettings.ApiKey(9, SecuredRegistry.OrdersWriter, newKey, "default:write:orders", "default:read")]);
        var current = registry.OrdersKey;
        var credentials = CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("authorization", "Bearer " + Volatile.Read(ref current));
            return Task.CompletedTask;
        });
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(registry.Host.Address, new Grpc.Net.Client.GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, credentials),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
        var client = new Protocol.Registry.V1.Registry.RegistryClient(channel);
        var lease = (await client.RegisterAsync(new RegisterRequest { Instance = new Instance { App = "orders", InstanceId = "o1", Host = "10.0.0.1", Port = 5000, Revision = Instances.RevisionA } }, deadline: DateTime.UtcNow.Add(TestTimeouts.Call))).LeaseId;
        using var cts = new CancellationTokenSource(TestTimeouts.Long);
        using var keepAlive = client.KeepAlive(cancellationToken: cts.Token);
        using var watch = client.Watch(new WatchRequest { Apps = { "orders" } }, cancellationToken: cts.Token);
        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));

        Volatile.Write(ref current, newKey);
        await keepAlive.RequestStream.WriteAsync(new KeepAliveRequest { LeaseId = lease }, cts.Token);
        Assert.True(await keepAlive.ResponseStream.MoveNext(cts.Token));
        await client.RegisterAsync(new RegisterRequest { Instance = new Instance { App = "orders", InstanceId = "o2", Host = "10.0.0.2", Port = 5000, Revision = Instances.RevisionA } }, deadline: DateTime.UtcNow.Add(TestTimeouts.Call));
        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));

        Assert.Equal(0, keepAlive.ResponseStream.Current.Code);
        Assert.Equal("o2", Assert.Single(watch.ResponseStream.Current.Events).Instance.InstanceId);
        // Both instances belong to the one principal, whichever key registered them.
        Assert.Equal(0, (await registry.RenewOnceAsync(newKey, lease)).Code);
        await keepAlive.RequestStream.CompleteAsync();
    }
}
