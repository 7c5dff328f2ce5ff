using System.Security.Cryptography;
using Grpc.Core;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Introspection.Registry.Tests.Security;

/// <summary>JWT bearer tokens signed by an ECDSA key made in the test; the registry knows only its public key (no network).</summary>
public sealed class JwtAuthenticationTests : IDisposable
{
    private const string Audience = "introspection-registry";
    private const string Issuer = "https://issuer.test";

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    [Fact]
    public async Task Register_ValidToken_GrantsFromTheClaimNameFromSub()
    {
        await using var registry = await StartAsync();
        var token = Token(_key, "orders-svc", TimeSpan.FromMinutes(5), "default:write:orders", "default:read");

        await registry.Client.RegisterAsync(Instances.Register("orders", "o1"), SecuritySettings.As(token));
        var denied = await Assert.ThrowsAsync<RpcException>(() => registry.Client.RegisterAsync(Instances.Register("payments", "p1"), SecuritySettings.As(token)).ResponseAsync);

        Assert.Single((await registry.Client.ListInstancesAsync(new ListInstancesRequest { App = "orders" }, SecuritySettings.As(token))).Instances);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Contains("Principal 'orders-svc' lacks grant 'default:write:payments'", denied.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calls_ExpiredToken_UnauthenticatedSaysExpired()
    {
        await using var registry = await StartAsync();
        var token = Token(_key, "orders-svc", TimeSpan.FromMinutes(-5), "*:admin");

        var ex = await Assert.ThrowsAsync<RpcException>(() => registry.Client.ListAppsAsync(new ListAppsRequest(), SecuritySettings.As(token)).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Contains("expired", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calls_TokenSignedByAnotherKey_Unauthenticated()
    {
        await using var registry = await StartAsync();
        var token = Token(_otherKey, "mallory", TimeSpan.FromMinutes(5), "*:admin");

        var ex = await Assert.ThrowsAsync<RpcException>(() => registry.Client.RegisterAsync(Instances.Register("orders", "o1"), SecuritySettings.As(token)).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Contains("signature", ex.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(token, ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calls_TokenForAnotherAudience_Unauthenticated()
    {
        await using var registry = await StartAsync();
        var token = Token(_key, "orders-svc", TimeSpan.FromMinutes(5), ["*:admin"], audience: "some-other-api");

        var ex = await Assert.ThrowsAsync<RpcException>(() => registry.Client.ListAppsAsync(new ListAppsRequest(), SecuritySettings.As(token)).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Contains("audience", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streams_TokenRotatedAndOldOneExpiredMidStream_KeepAliveAndWatchKeepWorking()
    {
        await using var registry = await StartAsync("--Introspection:Registry:Security:Jwt:ClockSkew=00:00:00");
        var shortLived = Token(_key, "orders-svc", TimeSpan.FromSeconds(2), "default:write:orders", "default:read");
        var current = shortLived;
        var credentials = CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("authorization", "Bearer " + Volatile.Read(ref current));
            return Task.CompletedTask;
        });
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(registry.Address, new Grpc.Net.Client.GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, credentials),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
        var client = new Protocol.Registry.V1.Registry.RegistryClient(channel);
        var lease = (await client.RegisterAsync(Instances.Register("orders", "o1"), deadline: DateTime.UtcNow.Add(TestTimeouts.Call))).LeaseId;
        using var cts = new CancellationTokenSource(TestTimeouts.Long);
        using var keepAlive = client.KeepAlive(cancellationToken: cts.Token);
        using var watch = client.Watch(new WatchRequest { Apps = { "orders" } }, cancellationToken: cts.Token);
        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));

        // The client's token source refreshes; then the first token expires while both streams are open.
        Volatile.Write(ref current, Token(_key, "orders-svc", TimeSpan.FromMinutes(5), "default:write:orders", "default:read"));
        await Poll.UntilAsync(async () =>
        {
            try
            {
                await registry.Client.ListAppsAsync(new ListAppsRequest(), SecuritySettings.As(shortLived));
                return false;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unauthenticated)
            {
                return true;
            }
        }, TestTimeouts.Condition, "the short-lived token has expired");
        await keepAlive.RequestStream.WriteAsync(new KeepAliveRequest { LeaseId = lease }, cts.Token);
        Assert.True(await keepAlive.ResponseStream.MoveNext(cts.Token));
        await client.RegisterAsync(Instances.Register("orders", "o2"), deadline: DateTime.UtcNow.Add(TestTimeouts.Call));
        Assert.True(await watch.ResponseStream.MoveNext(cts.Token));

        Assert.Equal(0, keepAlive.ResponseStream.Current.Code);
        Assert.Equal("o2", Assert.Single(watch.ResponseStream.Current.Events).Instance.InstanceId);
        await keepAlive.RequestStream.CompleteAsync();
    }

    public void Dispose()
    {
        _key.Dispose();
        _otherKey.Dispose();
    }

    private Task<RegistryHost> StartAsync(params string[] settings) => RegistryHost.StartAsync(
    [
        $"{SecuritySettings.Prefix}:Jwt:Audience={Audience}",
        $"{SecuritySettings.Prefix}:Jwt:Issuer={Issuer}",
        $"{SecuritySettings.Prefix}:Jwt:SigningKeys:0={_key.ExportSubjectPublicKeyInfoPem()}",
        .. settings,
    ]);

    private static string Token(ECDsa key, string subject, TimeSpan lifetime, params string[] grants) => Token(key, subject, lifetime, grants, Audience);

    private static string Token(ECDsa key, string subject, TimeSpan lifetime, string[] grants, string audience)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            IssuedAt = now.Add(lifetime).AddMinutes(-10),
            NotBefore = now.Add(lifetime).AddMinutes(-10),
            Expires = now.Add(lifetime),
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["introspection_grants"] = grants },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key), SecurityAlgorithms.EcdsaSha256),
        });
    }
}
