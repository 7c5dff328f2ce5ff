using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Tests.Infrastructure;

namespace Introspection.Registry.Tests.Security;

/// <summary>
/// Mutual TLS: the registry on an HTTPS endpoint from Kestrel's usual configuration, client certificates required,
/// validated (chain to the configured CA only, clientAuth usage) and mapped to principals by subject.
/// </summary>
public sealed class ClientCertificateTests : IDisposable
{
    private readonly TestCertificates _ca = TestCertificates.CreateAuthority();
    private readonly TestCertificates _otherCa = TestCertificates.CreateAuthority("Somebody Else's CA");

    [Fact]
    public async Task Register_TrustedCertificate_SubjectMapsToGrants()
    {
        await using var registry = await StartAsync();
        using var orders = _ca.IssueClient("orders-svc");
        using var channel = Channel(registry, orders);
        var client = new Protocol.Registry.V1.Registry.RegistryClient(channel);

        await client.RegisterAsync(Instances.Register("orders", "o1"), deadline: Deadline);
        var denied = await Assert.ThrowsAsync<RpcException>(() => client.ListAppsAsync(new ListAppsRequest(), deadline: Deadline).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Contains("Principal 'CN=orders-svc' lacks grant 'default:read'", denied.Status.Detail, StringComparison.Ordinal);
        Assert.Single(await ListAsAdminAsync(registry, "orders"));
        Assert.Contains(registry.LogCollector.GetSnapshot(), r => r.Id.Id == 600 && r.Message.Contains("CN=orders-svc (Certificate)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Calls_WithoutClientCertificate_RefusedAtTls()
    {
        await using var registry = await StartAsync();
        using var channel = Channel(registry, clientCertificate: null);

        var ex = await Assert.ThrowsAsync<RpcException>(() => new Protocol.Registry.V1.Registry.RegistryClient(channel).RegisterAsync(Instances.Register("orders", "o1"), deadline: Deadline).ResponseAsync);

        Assert.NotEqual(StatusCode.OK, ex.StatusCode);
        Assert.Empty(await ListAsAdminAsync(registry, "orders"));
    }

    [Fact]
    public async Task Calls_CertificateFromAnotherCa_Refused()
    {
        await using var registry = await StartAsync();
        using var stranger = _otherCa.IssueClient("orders-svc");
        using var channel = Channel(registry, stranger);

        var ex = await Assert.ThrowsAsync<RpcException>(() => new Protocol.Registry.V1.Registry.RegistryClient(channel).RegisterAsync(Instances.Register("orders", "o1"), deadline: Deadline).ResponseAsync);

        Assert.NotEqual(StatusCode.OK, ex.StatusCode);
        Assert.Empty(await ListAsAdminAsync(registry, "orders"));
    }

    [Fact]
    public async Task Calls_CertificateWithServerAuthUsageOnly_Refused()
    {
        await using var registry = await StartAsync();
        using var wrongUsage = _ca.Issue("orders-svc", "1.3.6.1.5.5.7.3.1", extension: null);
        using var channel = Channel(registry, wrongUsage);

        var ex = await Assert.ThrowsAsync<RpcException>(() => new Protocol.Registry.V1.Registry.RegistryClient(channel).RegisterAsync(Instances.Register("orders", "o1"), deadline: Deadline).ResponseAsync);

        Assert.NotEqual(StatusCode.OK, ex.StatusCode);
        Assert.Empty(await ListAsAdminAsync(registry, "orders"));
    }

    [Fact]
    public async Task Calls_ServerCertificateFromUntrustedCa_FailWithCertificateError()
    {
        await using var registry = await StartAsync();
        using var orders = _ca.IssueClient("orders-svc");
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.ClientCertificates = [orders];
        using var channel = GrpcChannel.ForAddress(registry.Address, new GrpcChannelOptions { HttpHandler = handler });

        var ex = await Assert.ThrowsAsync<RpcException>(() => new Protocol.Registry.V1.Registry.RegistryClient(channel).ListAppsAsync(new ListAppsRequest(), deadline: Deadline).ResponseAsync);

        Assert.Contains(ex.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
        Assert.Contains("SSL connection could not be established", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllowMode_TokenCallerWithoutCertificateAndCertificateCallerBothServed()
    {
        var key = SecuritySettings.NewKey();
        using var server = _ca.IssueServer();
        var (certificate, serverKey) = _ca.WritePem(server, "server-allow");
        await using var registry = await RegistryHost.StartAsync(
        [
            "--Kestrel:Endpoints:Https:Url=https://127.0.0.1:0",
            $"--Kestrel:Endpoints:Https:Certificate:Path={certificate}",
            $"--Kestrel:Endpoints:Https:Certificate:KeyPath={serverKey}",
            $"{SecuritySettings.Prefix}:ClientCertificates:Mode=Allow",
            $"{SecuritySettings.Prefix}:ClientCertificates:TrustedCaFile={_ca.AuthorityPemPath}",
            $"{SecuritySettings.Prefix}:ClientCertificates:Principals:0:Subject=CN=orders-svc",
            $"{SecuritySettings.Prefix}:ClientCertificates:Principals:0:Name=orders",
            $"{SecuritySettings.Prefix}:ClientCertificates:Principals:0:Grants:0=default:write:orders",
            .. SecuritySettings.ApiKey(0, "viewer", key, "default:read"),
        ]);
        using var orders = _ca.IssueClient("orders-svc");
        using var certificateChannel = Channel(registry, orders);
        using var tokenChannel = Channel(registry, clientCertificate: null);

        await new Protocol.Registry.V1.Registry.RegistryClient(certificateChannel).RegisterAsync(Instances.Register("orders", "o1"), deadline: Deadline);
        var listed = await new Protocol.Registry.V1.Registry.RegistryClient(tokenChannel).ListInstancesAsync(new ListInstancesRequest { App = "orders" }, SecuritySettings.As(key));
        var anonymous = await Assert.ThrowsAsync<RpcException>(() => new Protocol.Registry.V1.Registry.RegistryClient(tokenChannel).ListAppsAsync(new ListAppsRequest(), deadline: Deadline).ResponseAsync);

        Assert.Single(listed.Instances);
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _otherCa.Dispose();
    }

    private static DateTime Deadline => DateTime.UtcNow.Add(TestTimeouts.Call);

    private async Task<RegistryHost> StartAsync()
    {
        using var server = _ca.IssueServer();
        var (certificate, key) = _ca.WritePem(server, "server");
        return await RegistryHost.StartAsync(
            "--Kestrel:Endpoints:Https:Url=https://127.0.0.1:0",
            $"--Kestrel:Endpoints:Https:Certificate:Path={certificate}",
            $"--Kestrel:Endpoints:Https:Certificate:KeyPath={key}",
            "--Logging:LogLevel:Introspection.Registry.Audit=Information",
            $"{SecuritySettings.Prefix}:ClientCertificates:Mode=Require",
            $"{SecuritySettings.Prefix}:ClientCertificates:TrustedCaFile={_ca.AuthorityPemPath}",
            $"{SecuritySettings.Prefix}:ClientCertificates:Principals:0:Subject=CN=orders-svc",
            $"{SecuritySettings.Prefix}:ClientCertificates:Principals:0:Grants:0=default:write:orders",
            $"{SecuritySettings.Prefix}:ClientCertificates:Principals:1:Subject=CN=root",
            $"{SecuritySettings.Prefix}:ClientCertificates:Principals:1:Grants:0=*:admin");
    }

    private async Task<IReadOnlyList<Instance>> ListAsAdminAsync(RegistryHost registry, string app)
    {
        using var root = _ca.IssueClient("root");
        using var channel = Channel(registry, root);
        return (await new Protocol.Registry.V1.Registry.RegistryClient(channel).ListInstancesAsync(new ListInstancesRequest { App = app }, deadline: Deadline)).Instances;
    }

    /// <summary>A channel that trusts only the test CA and presents <paramref name="clientCertificate"/>.</summary>
    private GrpcChannel Channel(RegistryHost registry, X509Certificate2? clientCertificate)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(_ca.Authority);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        };
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        return GrpcChannel.ForAddress(registry.Address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
    }
}
