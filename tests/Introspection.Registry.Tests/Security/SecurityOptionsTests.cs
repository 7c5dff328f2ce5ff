using System.Diagnostics.Metrics;
using Grpc.Core;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Introspection.Registry.Tests.Security;

/// <summary>The smaller security switches: anonymous grants, the per-namespace write rate, the denial metric.</summary>
public sealed class SecurityOptionsTests
{
    [Fact]
    public async Task AnonymousGrants_ReadOnly_CallersWithoutCredentialsReadButCannotWrite()
    {
        var key = SecuritySettings.NewKey();
        await using var registry = await RegistryHost.StartAsync(
        [
            .. SecuritySettings.ApiKey(0, "orders-svc", key, "default:write:orders"),
            $"{SecuritySettings.Prefix}:AnonymousGrants:0=*:read",
        ]);
        await registry.Client.RegisterAsync(Instances.Register("orders", "o1"), SecuritySettings.As(key));

        var listed = await registry.Client.ListInstancesAsync(new ListInstancesRequest { App = "orders" }, deadline: DateTime.UtcNow.Add(TestTimeouts.Call));
        var write = await Assert.ThrowsAsync<RpcException>(() => registry.Client.DeregisterAsync(new DeregisterRequest { App = "orders", InstanceId = "o1" }, deadline: DateTime.UtcNow.Add(TestTimeouts.Call)).ResponseAsync);

        Assert.Single(listed.Instances);
        Assert.Equal(StatusCode.PermissionDenied, write.StatusCode);
        Assert.Contains("Principal 'Anonymous' lacks grant 'default:write:orders'", write.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writes_PastNamespaceRate_ResourceExhaustedWhoeverWritesOtherNamespacesServed()
    {
        var orders = SecuritySettings.NewKey();
        var payments = SecuritySettings.NewKey();
        await using var registry = await RegistryHost.StartAsync(
        [
            .. SecuritySettings.ApiKey(0, "orders-svc", orders, "*:write:orders"),
            .. SecuritySettings.ApiKey(1, "payments-svc", payments, "*:write:payments"),
            "--Introspection:Registry:Limits:WritesPerSecondPerNamespace=0.01",
            "--Introspection:Registry:Limits:WriteBurstPerNamespace=2",
        ]);
        await registry.Client.RegisterAsync(Instances.Register("orders", "o1"), SecuritySettings.As(orders));
        await registry.Client.RegisterAsync(Instances.Register("payments", "p1"), SecuritySettings.As(payments));

        var ex = await Assert.ThrowsAsync<RpcException>(() => registry.Client.RegisterAsync(Instances.Register("payments", "p2"), SecuritySettings.As(payments)).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("Introspection:Registry:Limits:WritesPerSecondPerNamespace", ex.Status.Detail, StringComparison.Ordinal);
        await registry.Client.RegisterAsync(Instances.Register("payments", "p2", ns: "other"), SecuritySettings.As(payments));
    }

    [Fact]
    public async Task Denials_CountedByReason()
    {
        var reader = SecuritySettings.NewKey();
        await using var registry = await RegistryHost.StartAsync([.. SecuritySettings.ApiKey(0, "viewer", reader, "default:read")]);
        using var denials = new MetricCollector<long>(registry.Services.GetRequiredService<IMeterFactory>(), RegistryMetricNames.MeterName, RegistryMetricNames.AuthDenials);

        await Assert.ThrowsAsync<RpcException>(() => registry.Client.ListAppsAsync(new ListAppsRequest(), deadline: DateTime.UtcNow.Add(TestTimeouts.Call)).ResponseAsync);
        await Assert.ThrowsAsync<RpcException>(() => registry.Client.ListAppsAsync(new ListAppsRequest(), SecuritySettings.As(SecuritySettings.NewKey())).ResponseAsync);
        await Assert.ThrowsAsync<RpcException>(() => registry.Client.RegisterAsync(Instances.Register("orders", "o1"), SecuritySettings.As(reader)).ResponseAsync);

        Assert.Equal(1, denials.Total("introspection.reason", "no_credentials"));
        Assert.Equal(1, denials.Total("introspection.reason", "invalid_credentials"));
        Assert.Equal(1, denials.Total("introspection.reason", "missing_grant"));
    }

    [Fact]
    public async Task Logs_AtDebugWithRefusedAndAcceptedTokens_NeverContainTheToken()
    {
        var key = SecuritySettings.NewKey();
        var wrong = SecuritySettings.NewKey();
        await using var registry = await RegistryHost.StartAsync(
        [
            .. SecuritySettings.ApiKey(0, "orders-svc", key, "default:write:orders"),
            "--Logging:LogLevel:Default=Debug",
        ]);

        await registry.Client.RegisterAsync(Instances.Register("orders", "o1"), SecuritySettings.As(key));
        await Assert.ThrowsAsync<RpcException>(() => registry.Client.RegisterAsync(Instances.Register("orders", "o2"), SecuritySettings.As(wrong)).ResponseAsync);

        var records = registry.LogCollector.GetSnapshot();
        Assert.Contains(records, r => r.Message.Contains("orders-svc", StringComparison.Ordinal));
        Assert.DoesNotContain(records, r => r.Message.Contains(key, StringComparison.Ordinal) || r.Message.Contains(wrong, StringComparison.Ordinal)
            || (r.Exception?.ToString().Contains(key, StringComparison.Ordinal) ?? false) || (r.Exception?.ToString().Contains(wrong, StringComparison.Ordinal) ?? false));
    }
}
