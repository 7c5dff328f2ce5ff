using System.Net.Security;
using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using System.Text.Encodings.Web;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Introspection.Protocol.Metadata.V1;
using Introspection.Provider.Tests.TestServices;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Introspection.Provider.Tests.Security;

/// <summary>
/// The metadata endpoint behind ASP.NET Core authorization: from configuration, from the convention builder, and
/// with mutual TLS and certificate authentication. The health endpoint stays open for the registry's probe.
/// </summary>
public sealed class MetadataEndpointSecurityTests
{
    private const string Key = "reader-key";

    [Fact]
    public async Task GetMetadataInfo_RequireAuthorizationFromConfiguration_AnonymousUnauthenticatedTokenReads()
    {
        await using var provider = await StartAsync(o => o.Metadata.RequireAuthorization = true, BearerServices, web => web.MapIntrospectionMetadata());
        using var channel = GrpcChannel.ForAddress(provider.Address);
        var metadata = new MetadataService.MetadataServiceClient(channel);
        var revision = provider.Get<IProviderMetadata>().Current.Revision;

        var anonymous = await Assert.ThrowsAsync<RpcException>(() => metadata.GetMetadataInfoAsync(new GetMetadataInfoRequest { Revision = revision }).ResponseAsync.WaitAsync(TestTimeouts.Call));
        var read = await metadata.GetMetadataInfoAsync(new GetMetadataInfoRequest { Revision = revision }, Bearer(Key)).ResponseAsync.WaitAsync(TestTimeouts.Call);
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = IntrospectionMetadataEndpointRouteBuilderExtensions.HealthServiceName }).ResponseAsync.WaitAsync(TestTimeouts.Call);

        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
        Assert.Equal(revision, read.Revision);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    [Fact]
    public async Task GetMetadataInfo_PolicyOnConventionBuilder_AuthenticatedCallerWithoutTheClaimDenied()
    {
        await using var provider = await StartAsync(
            configure: null,
            s =>
            {
                BearerServices(s);
                s.AddAuthorization(a => a.AddPolicy("metadata-readers", p => p.RequireClaim("scope", "metadata.read")));
            },
            web => web.MapIntrospectionMetadata().RequireAuthorization("metadata-readers"));
        using var channel = GrpcChannel.ForAddress(provider.Address);
        var metadata = new MetadataService.MetadataServiceClient(channel);
        var revision = provider.Get<IProviderMetadata>().Current.Revision;

        var denied = await Assert.ThrowsAsync<RpcException>(() => metadata.GetMetadataInfoAsync(new GetMetadataInfoRequest { Revision = revision }, Bearer(Key)).ResponseAsync.WaitAsync(TestTimeouts.Call));
        var read = await metadata.GetMetadataInfoAsync(new GetMetadataInfoRequest { Revision = revision }, Bearer(Key + "+scope")).ResponseAsync.WaitAsync(TestTimeouts.Call);

        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal(revision, read.Revision);
    }

    [Fact]
    public async Task GetMetadataInfo_MutualTlsWithCertificateAuthentication_OnlyHoldersOfATrustedCertificateRead()
    {
        using var authority = TestCertificates.CreateAuthority();
        using var stranger = TestCertificates.CreateAuthority("Stranger CA");
        using var serverCertificate = authority.IssueServer();
        using var consumerCertificate = authority.IssueClient("orders-consumer");
        using var strangerCertificate = stranger.IssueClient("intruder");
        string? seenSubject = null;
        await using var provider = await StartAsync(
            o => o.Metadata.RequireAuthorization = true,
            s =>
            {
                // Kestrel asks for a certificate; certificate authentication decides whether it is trusted.
                s.Configure<KestrelServerOptions>(k => k.Listen(System.Net.IPAddress.Loopback, 0, l =>
                {
                    l.Protocols = HttpProtocols.Http2;
                    l.UseHttps(serverCertificate, h =>
                    {
                        h.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                        h.AllowAnyClientCertificate();
                    });
                }));
                s.AddAuthentication(CertificateAuthenticationDefaults.AuthenticationScheme).AddCertificate(c =>
                {
                    c.AllowedCertificateTypes = CertificateTypes.Chained;
                    c.ChainTrustValidationMode = X509ChainTrustMode.CustomRootTrust;
                    c.CustomTrustStore.Add(authority.Authority);
                    c.RevocationMode = X509RevocationMode.NoCheck;
                    c.Events = new CertificateAuthenticationEvents
                    {
                        OnCertificateValidated = context =>
                        {
                            seenSubject = context.ClientCertificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
                            context.Success();
                            return Task.CompletedTask;
                        },
                    };
                });
                s.AddAuthorization();
            },
            web => web.MapIntrospectionMetadata());
        var revision = provider.Get<IProviderMetadata>().Current.Revision;

        var anonymous = await Assert.ThrowsAsync<RpcException>(() => FetchAsync(provider, authority, clientCertificate: null, revision));
        var intruder = await Assert.ThrowsAsync<RpcException>(() => FetchAsync(provider, authority, strangerCertificate, revision));
        var read = await FetchAsync(provider, authority, consumerCertificate, revision);

        // Certificate authentication challenges with 403 (a certificate is chosen with the connection, not per
        // request, so "try again with credentials" does not apply): gRPC reports PERMISSION_DENIED.
        Assert.Equal(StatusCode.PermissionDenied, anonymous.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, intruder.StatusCode);
        Assert.Equal(revision, read.Revision);
        Assert.Equal("orders-consumer", seenSubject);
    }

    private static async Task<MetadataInfo> FetchAsync(ProviderHost provider, TestCertificates authority, X509Certificate2? clientCertificate, string revision)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(authority.Authority);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return certificate is not null && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None
                && chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
        };
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        using var channel = GrpcChannel.ForAddress(provider.Address, new GrpcChannelOptions { HttpHandler = handler });
        return await new MetadataService.MetadataServiceClient(channel)
            .GetMetadataInfoAsync(new GetMetadataInfoRequest { Revision = revision })
            .ResponseAsync.WaitAsync(TestTimeouts.Call);
    }

    private static Grpc.Core.Metadata Bearer(string token) => new() { { "authorization", "Bearer " + token } };

    private static void BearerServices(IServiceCollection services)
    {
        services.AddAuthentication("Test").AddScheme<AuthenticationSchemeOptions, KeyHandler>("Test", null);
        services.AddAuthorization();
    }

    private static Task<ProviderHost> StartAsync(Action<IntrospectionProviderOptions>? configure, Action<IServiceCollection> services, Action<WebApplication> mapMetadata) =>
        ProviderHost.StartAsync("greeter", configure, services, web =>
        {
            web.MapGrpcService<GreeterService>();
            mapMetadata(web);
        });

    /// <summary>"reader-key" is a principal; "reader-key+scope" one with scope=metadata.read.</summary>
    private sealed class KeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var header = Request.Headers.Authorization.ToString();
            if (header is not ("Bearer " + Key or "Bearer " + Key + "+scope"))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var claims = new List<Claim> { new(ClaimTypes.Name, "reader") };
            if (header.EndsWith("+scope", StringComparison.Ordinal))
            {
                claims.Add(new Claim("scope", "metadata.read"));
            }

            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, "Test")), "Test")));
        }
    }
}
