using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Introspection.Client.Internal;
using Introspection.Client.Tests.Infrastructure;
using Introspection.Protocol;
using Introspection.Protocol.Registry.V1;
using Introspection.Provider;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;

namespace Introspection.Client.Tests.Security;

/// <summary>
/// Every hop over TLS with a test authority the system store does not know: registry (https, behind a
/// <see cref="BearerGate"/> that records and checks bearer tokens), provider metadata and the application's calls.
/// </summary>
public sealed class TlsEndToEndTests : IAsyncLifetime
{
    private const string ProviderKey = "provider-key";
    private const string ConsumerKey = "consumer-key";
    private readonly TestCertificates _ca = TestCertificates.CreateAuthority();
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly List<IDisposable> _certificates = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        foreach (var certificate in _certificates)
        {
            certificate.Dispose();
        }

        _ca.Dispose();
    }

    [Fact]
    public async Task Call_EveryHopOverTlsWithCustomCa_SucceedsAndTokensReachTheRegistry()
    {
        var gate = new BearerGate(ProviderKey, ConsumerKey);
        var registry = Own(await TlsRegistryHost.StartAsync(_ca, gate));
        // Locked down: the provider's metadata needs a bearer token too.
        var provider = Own(await StartProviderAsync("p1", registry.Url, tls: true, configure: o => o.Metadata.RequireAuthorization = true, services: AddStaticBearer));
        var instance = await RegisteredAsync(registry, "p1");
        var consumer = Own(await TestConsumer.StartAsync(registry.Url, configure: o =>
        {
            TrustOnly(o.RegistryChannel.Tls);
            o.RegistryChannel.AccessToken = ConsumerKey;
            o.ProviderChannel.Scheme = WireContract.SchemeHttps;
            TrustOnly(o.ProviderChannel.Tls);
            o.ProviderChannel.AccessToken = StaticBearerAuthenticationHandler.ValidToken;
        }));

        var answeredBy = await consumer.CallAsync();

        Assert.Equal("p1", answeredBy);
        Assert.Equal(WireContract.SchemeHttps, instance.Labels[WireContract.SchemeLabel]);
        Assert.StartsWith("https://", provider.Address.ToString(), StringComparison.Ordinal);
        Assert.All(gate.HeadersOf("/Register"), h => Assert.Equal("Bearer " + ProviderKey, h));
        Assert.NotEmpty(gate.HeadersOf("/Register"));
        Assert.All(gate.HeadersOf("/Watch"), h => Assert.Equal("Bearer " + ConsumerKey, h));
        Assert.NotEmpty(gate.HeadersOf("/Watch"));
        // The gate refused nothing: no call went out without a token.
        Assert.DoesNotContain(gate.Seen, s => s.Authorization is null);
    }

    [Fact]
    public async Task Call_HttpChannelAndHttpsOnlyInstances_FailsNamingTheSchemeMismatch()
    {
        var registry = Own(await TlsRegistryHost.StartAsync(_ca));
        Own(await StartProviderAsync("p1", registry.Url, tls: true, token: null));
        await RegisteredAsync(registry, "p1");
        var consumer = Own(await TestConsumer.StartAsync(registry.Url, configure: o =>
        {
            TrustOnly(o.RegistryChannel.Tls);
            TrustOnly(o.ProviderChannel.Tls);
        }));

        var ex = await Assert.ThrowsAsync<RpcException>(consumer.CallAsync);

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Contains("serve https but this channel dials http", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registry_CertificateFromAnotherCa_RefusedWithAnErrorThatSaysSo()
    {
        using var stranger = TestCertificates.CreateAuthority("Stranger CA");
        var registry = Own(await TlsRegistryHost.StartAsync(stranger));
        var logs = new FakeLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs));
        var hooks = new RegistryChannelOptions();
        TrustOnly(hooks.Tls);
        using var connection = new RegistryConnection([registry.Url], RegistryConnection.ClientDefaults(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), 4 * 1024 * 1024, loggerFactory, hooks), TimeProvider.System, loggerFactory);

        var ex = await Assert.ThrowsAsync<RpcException>(() => connection.LookupServiceAsync(string.Empty, "greet.Greeter", CancellationToken.None).WaitAsync(TestTimeouts.Call));

        // grpc-dotnet reports a failed TLS handshake as INTERNAL, with the handshake's own reason.
        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Contains("The SSL connection could not be established", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("RemoteCertificateValidationCallback", ex.Status.Detail, StringComparison.Ordinal);
        var rejected = Assert.Single(logs.Collector.GetSnapshot(), r => r.Id.Name == "ServerCertificateRejected");
        Assert.Contains("not issued by a trusted authority", rejected.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetadataFetch_ProviderRequiresClientCertificate_FailsWithoutAndSucceedsWithIt()
    {
        var provider = Own(await StartProviderAsync("p1", registry: null, tls: true, https: h =>
        {
            h.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            h.ClientCertificateValidation = (certificate, _, _) => IssuedByCa(certificate);
        }));
        var revision = provider.Get<IProviderMetadata>().Current.Revision;
        using var consumerCertificate = _ca.IssueClient("consumer");
        var (certificatePath, keyPath) = _ca.WritePem(consumerCertificate, "consumer");

        using var anonymous = Fetcher(new ProviderChannelOptions());
        var refused = await Assert.ThrowsAsync<RpcException>(() => anonymous.FetchAsync(TlsInstance(provider), revision, CancellationToken.None).WaitAsync(TestTimeouts.Call));
        using var withCertificate = Fetcher(new ProviderChannelOptions { Tls = { ClientCertificatePath = certificatePath, ClientKeyPath = keyPath } });
        var fetched = await withCertificate.FetchAsync(TlsInstance(provider), revision, CancellationToken.None).WaitAsync(TestTimeouts.Call);

        // The server refuses the handshake after the client finished its side (TLS 1.3): grpc-dotnet reports it as
        // INTERNAL (handshake failed) or UNAVAILABLE (connection reset), depending on who sees it first.
        Assert.Contains(refused.StatusCode, new[] { StatusCode.Internal, StatusCode.Unavailable });
        Assert.Equal(revision, fetched.Revision);
    }

    [Fact]
    public async Task MetadataFetch_EndpointRequiresBearerToken_AnonymousUnauthenticatedAndTokenFetches()
    {
        var provider = Own(await StartProviderAsync(
            "p1",
            registry: null,
            tls: true,
            configure: o => o.Metadata.RequireAuthorization = true,
            services: AddStaticBearer));
        var revision = provider.Get<IProviderMetadata>().Current.Revision;

        using var anonymous = Fetcher(new ProviderChannelOptions());
        var refused = await Assert.ThrowsAsync<RpcException>(() => anonymous.FetchAsync(TlsInstance(provider), revision, CancellationToken.None).WaitAsync(TestTimeouts.Call));
        var tokens = new ScriptedTokenSource(new IntrospectionToken(StaticBearerAuthenticationHandler.ValidToken));
        using var withToken = Fetcher(new ProviderChannelOptions { TokenSource = tokens });
        var fetched = await withToken.FetchAsync(TlsInstance(provider), revision, CancellationToken.None).WaitAsync(TestTimeouts.Call);

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Equal(revision, fetched.Revision);
        Assert.Equal(1, tokens.Calls);
    }

    [Fact]
    public async Task MetadataFetch_OnlineRevocationAndNoRevocationInformation_Refused()
    {
        // The test authority publishes no CRL or OCSP endpoint: an online check cannot vouch for the certificate.
        var provider = Own(await StartProviderAsync("p1", registry: null, tls: true));
        var revision = provider.Get<IProviderMetadata>().Current.Revision;
        var logs = new FakeLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs));
        var channel = new ProviderChannelOptions { Tls = { RevocationMode = X509RevocationMode.Online } };
        TrustOnly(channel.Tls);
        using var fetcher = new GrpcMetadataFetcher(TimeSpan.FromSeconds(5), unlabeledIsHttps: false, TimeProvider.System, loggerFactory, channel);

        await Assert.ThrowsAsync<RpcException>(() => fetcher.FetchAsync(TlsInstance(provider), revision, CancellationToken.None).WaitAsync(TestTimeouts.Call));

        var rejected = Assert.Single(logs.Collector.GetSnapshot(), r => r.Id.Name == "ServerCertificateRejected");
        Assert.Contains("Revocation", rejected.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetadataFetch_CaFromCertificateStore_Trusted()
    {
        var provider = Own(await StartProviderAsync("p1", registry: null, tls: true));
        var revision = provider.Get<IProviderMetadata>().Current.Revision;
        var storeName = "introspection-test-" + Guid.NewGuid().ToString("N");
        using (var store = new X509Store(storeName, StoreLocation.CurrentUser))
        {
            store.Open(OpenFlags.ReadWrite);
            store.Add(X509CertificateLoader.LoadCertificate(_ca.Authority.RawData));
        }

        try
        {
            var channel = new ProviderChannelOptions { Tls = { CertificateAuthorityStoreName = storeName, TrustSystemRoots = false } };
            using var fetcher = new GrpcMetadataFetcher(TimeSpan.FromSeconds(5), unlabeledIsHttps: false, TimeProvider.System, NullLoggerFactory.Instance, channel);

            var fetched = await fetcher.FetchAsync(TlsInstance(provider), revision, CancellationToken.None).WaitAsync(TestTimeouts.Call);

            Assert.Equal(revision, fetched.Revision);
        }
        finally
        {
            using var store = new X509Store(storeName, StoreLocation.CurrentUser);
            store.Open(OpenFlags.ReadWrite);
            store.RemoveRange(store.Certificates);
        }
    }

    [Fact]
    public async Task MetadataFetch_PlainTextInstanceWithTokenConfigured_TokenWithheldAndSaidSo()
    {
        string? seenAuthorization = "(no call)";
        var provider = Own(await StartProviderAsync("p1", registry: null, tls: false, beforeMap: web => web.Use(async (context, next) =>
        {
            seenAuthorization = context.Request.Headers.Authorization.ToString();
            await next(context);
        })));
        var revision = provider.Get<IProviderMetadata>().Current.Revision;
        var logs = new FakeLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs));
        using var fetcher = new GrpcMetadataFetcher(TimeSpan.FromSeconds(5), unlabeledIsHttps: false, TimeProvider.System, loggerFactory, new ProviderChannelOptions { AccessToken = "never-in-clear-text" });

        var fetched = await fetcher.FetchAsync(new Instance { App = "greeter", InstanceId = "p1", Host = "127.0.0.1", Port = provider.Port }, revision, CancellationToken.None).WaitAsync(TestTimeouts.Call);

        Assert.Equal(revision, fetched.Revision);
        Assert.Equal(string.Empty, seenAuthorization);
        var withheld = Assert.Single(logs.Collector.GetSnapshot(), r => r.Id.Name == "MetadataTokenWithheld");
        Assert.DoesNotContain("never-in-clear-text", withheld.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_TokenRotatedMidStream_StreamKeepsDeliveringAndNewCallsCarryTheNewToken()
    {
        var gate = new BearerGate(ProviderKey, "c1");
        var registry = Own(await TlsRegistryHost.StartAsync(_ca, gate));
        Own(await StartProviderAsync("p1", registry.Url, tls: false));
        var tokens = new ScriptedTokenSource(new IntrospectionToken("c1"));
        var consumer = Own(await TestConsumer.StartAsync(registry.Url, configure: o =>
        {
            TrustOnly(o.RegistryChannel.Tls);
            o.RegistryChannel.TokenSource = tokens;
        }));
        await Poll.UntilAsync(async () => (await consumer.Client.ResolveAsync("greet.Greeter")).Count == 1, "p1 is resolved");

        // Rotation: the registry now accepts only c2, and the source hands out c2.
        tokens.Next = new IntrospectionToken("c2");
        gate.Accept("c2");
        gate.Revoke("c1");
        Own(await StartProviderAsync("p2", registry.Url, tls: false));

        await Poll.UntilAsync(async () => (await consumer.Client.ResolveAsync("greet.Greeter")).Count == 2, "p2 arrives on the Watch stream opened with c1");
        Assert.Equal(["Bearer c1"], gate.HeadersOf("/Watch"));
        // A live Watch carries the mappings, so the consumer makes no other registry call here; the registrar test
        // below shows a new call taking the new token.
        Assert.DoesNotContain(gate.Seen, s => s.Authorization == "Bearer c2");
    }

    [Fact]
    public async Task KeepAlive_TokenRotatedMidStream_LeaseStaysAliveAndNewCallsCarryTheNewToken()
    {
        var gate = new BearerGate("r1");
        var registry = Own(await TlsRegistryHost.StartAsync(_ca, gate));
        var tokens = new ScriptedTokenSource(new IntrospectionToken("r1"));
        var observer = new RenewalCounter();
        var options = new IntrospectionRegistrarOptions
        {
            LeaseTtl = TimeSpan.FromSeconds(1),
            RegistryCallTimeout = TimeSpan.FromSeconds(2),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
            Observer = observer,
        };
        options.Registries.Add(registry.Url);
        TrustOnly(options.Channel.Tls);
        options.Channel.TokenSource = tokens;
        await using var registrar = new IntrospectionRegistrar(options);
        await using var lease = registrar.AddEndpoint(new InstanceRegistration
        {
            App = "billing",
            InstanceId = "b1",
            Host = "127.0.0.1",
            Port = 9,
            Revision = new string('1', 64),
            Services = ["billing.Invoices"],
        });
        await lease.Registered.WaitAsync(TestTimeouts.Call);
        await Poll.UntilAsync(() => gate.HeadersOf("/KeepAlive").Count == 1 && observer.Renewed >= 1, "the KeepAlive stream renews the lease");

        tokens.Next = new IntrospectionToken("r2");
        gate.Accept("r2");
        gate.Revoke("r1");
        var renewedBefore = observer.Renewed;

        // Several TTLs of renewals on the stream that was opened with r1.
        await Poll.UntilAsync(() => observer.Renewed >= renewedBefore + 6, "the lease keeps being renewed");
        Assert.Single(await registry.InstancesAsync("billing"));
        Assert.Equal(["Bearer r1"], gate.HeadersOf("/KeepAlive"));
        await lease.UpdateAsync(lease.Instance with { Revision = new string('2', 64) }).WaitAsync(TestTimeouts.Call);
        Assert.Equal(["Bearer r2"], gate.HeadersOf("/UpdateInstance"));
    }

    private static void AddStaticBearer(IServiceCollection services)
    {
        services.AddAuthentication(StaticBearerAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, StaticBearerAuthenticationHandler>(StaticBearerAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
    }

    private GrpcMetadataFetcher Fetcher(ProviderChannelOptions channel)
    {
        TrustOnly(channel.Tls);
        return new GrpcMetadataFetcher(TimeSpan.FromSeconds(5), unlabeledIsHttps: false, TimeProvider.System, NullLoggerFactory.Instance, channel);
    }

    private Instance TlsInstance(ProviderHost provider) => new()
    {
        App = "greeter",
        InstanceId = "p1",
        Host = "127.0.0.1",
        Port = provider.Port,
        Labels = { [WireContract.SchemeLabel] = WireContract.SchemeHttps },
    };

    private void TrustOnly(TlsClientOptions tls)
    {
        tls.CertificateAuthorityPath = _ca.AuthorityPemPath;
        tls.TrustSystemRoots = false;
    }

    private bool IssuedByCa(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_ca.Authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private static async Task<Instance> RegisteredAsync(TlsRegistryHost registry, string instanceId)
    {
        Instance? found = null;
        await Poll.UntilAsync(async () => (found = (await registry.InstancesAsync("greeter")).FirstOrDefault(i => i.InstanceId == instanceId)) is not null, $"{instanceId} is registered");
        return found!;
    }

    private async Task<ProviderHost> StartProviderAsync(
        string instanceId,
        string? registry,
        bool tls,
        string? token = ProviderKey,
        Action<HttpsConnectionAdapterOptions>? https = null,
        Action<IntrospectionProviderOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        Action<WebApplication>? beforeMap = null)
    {
        var certificate = _ca.IssueServer();
        _certificates.Add(certificate);
        return await ProviderHost.StartAsync(
            "greeter",
            o =>
            {
                o.InstanceId = instanceId;
                if (registry is not null)
                {
                    o.Registries.Add(registry);
                    TrustOnly(o.RegistryChannel.Tls);
                    o.RegistryChannel.AccessToken = token;
                }

                configure?.Invoke(o);
            },
            s =>
            {
                if (tls)
                {
                    s.Configure<KestrelServerOptions>(k => k.Listen(IPAddress.Loopback, 0, listen =>
                    {
                        listen.Protocols = HttpProtocols.Http2;
                        listen.UseHttps(certificate, h => https?.Invoke(h));
                    }));
                }

                services?.Invoke(s);
            },
            web =>
            {
                beforeMap?.Invoke(web);
                web.MapGrpcService<SecureGreeter>();
                web.MapIntrospectionMetadata();
            });
    }

    private T Own<T>(T owned) where T : IAsyncDisposable
    {
        _owned.Add(owned);
        return owned;
    }

    private sealed class RenewalCounter : IRegistrationObserver
    {
        private int _renewed;

        public int Renewed => Volatile.Read(ref _renewed);

        public void OnRegistered(string registry)
        {
        }

        public void OnRenewed(string registry) => Interlocked.Increment(ref _renewed);

        public void OnRenewalFailed(string registry)
        {
        }
    }
}
