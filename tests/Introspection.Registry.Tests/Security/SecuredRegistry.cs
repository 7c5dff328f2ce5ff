using Grpc.Core;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Tests.Infrastructure;

namespace Introspection.Registry.Tests.Security;

/// <summary>
/// A registry with API-key principals made in the test: an admin, a writer of each of two apps, a second writer of
/// the first app, and a reader. Audit records are kept (Information) for the audit tests.
/// </summary>
internal sealed class SecuredRegistry : IAsyncDisposable
{
    public const string OrdersWriter = "orders-svc";
    public const string OrdersWriter2 = "orders-canary";
    public const string PaymentsWriter = "payments-svc";
    public const string Reader = "viewer";
    public const string Admin = "root";

    public RegistryHost Host { get; }

    public Protocol.Registry.V1.Registry.RegistryClient Client => Host.Client;

    public string AdminKey { get; }

    public string OrdersKey { get; }

    public string Orders2Key { get; }

    public string PaymentsKey { get; }

    public string ReaderKey { get; }

    public static Task<SecuredRegistry> StartAsync(params string[] settings) => StartAsync(static s => RegistryHost.StartAsync(s), settings);

    public static async Task<SecuredRegistry> StartAsync(Func<string[], Task<RegistryHost>> start, params string[] settings)
    {
        var keys = new Keys();
        string[] all =
        [
            .. SecuritySettings.ApiKey(0, Admin, keys.Admin, "*:admin"),
            .. SecuritySettings.ApiKey(1, OrdersWriter, keys.Orders, "default:write:orders", "default:read"),
            .. SecuritySettings.ApiKey(2, OrdersWriter2, keys.Orders2, "default:write:orders-*", "default:write:orders"),
            .. SecuritySettings.ApiKey(3, PaymentsWriter, keys.Payments, "default:write:payments", "default:read"),
            .. SecuritySettings.ApiKey(4, Reader, keys.Reader, "default:read"),
            "--Logging:LogLevel:Introspection.Registry.Audit=Information",
            .. settings,
        ];
        var host = await start(all);
        return new SecuredRegistry(host, keys);
    }

    private SecuredRegistry(RegistryHost host, Keys keys)
    {
        Host = host;
        AdminKey = keys.Admin;
        OrdersKey = keys.Orders;
        Orders2Key = keys.Orders2;
        PaymentsKey = keys.Payments;
        ReaderKey = keys.Reader;
    }

    public IEnumerable<string> AllKeys => [AdminKey, OrdersKey, Orders2Key, PaymentsKey, ReaderKey];

    public async Task<RegisterResponse> RegisterAsync(string key, string app, string instanceId, string host = "10.0.0.1", int port = 5000) =>
        await Client.RegisterAsync(new RegisterRequest { Instance = new Instance { App = app, InstanceId = instanceId, Host = host, Port = port, Revision = Instances.RevisionA }, TtlMs = 60_000 }, SecuritySettings.As(key));

    public async Task<IReadOnlyList<Instance>> ListAsAdminAsync(string app) =>
        (await Client.ListInstancesAsync(new ListInstancesRequest { App = app }, SecuritySettings.As(AdminKey))).Instances;

    /// <summary>Renews one lease on a fresh KeepAlive stream and returns the answer.</summary>
    public async Task<KeepAliveResponse> RenewOnceAsync(string key, long leaseId)
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Call);
        using var call = Client.KeepAlive(SecuritySettings.Bearer(key), cancellationToken: cts.Token);
        await call.RequestStream.WriteAsync(new KeepAliveRequest { LeaseId = leaseId }, cts.Token);
        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        var response = call.ResponseStream.Current;
        await call.RequestStream.CompleteAsync();
        return response;
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    private sealed class Keys
    {
        public string Admin { get; } = SecuritySettings.NewKey();

        public string Orders { get; } = SecuritySettings.NewKey();

        public string Orders2 { get; } = SecuritySettings.NewKey();

        public string Payments { get; } = SecuritySettings.NewKey();

        public string Reader { get; } = SecuritySettings.NewKey();
    }
}
