using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Introspection.Protocol.Registry.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Introspection.Cli.Tests;

/// <summary>
/// A TLS (optionally mutual TLS) endpoint speaking the registry's ListApps that records what the caller presented
/// and answers as an authenticating registry would: UNAUTHENTICATED without a bearer token, PERMISSION_DENIED for
/// the token "no-read". A stand-in until the registry's own authentication is merged; it checks the CLI's side of
/// the contract (what it sends, over which transport, and how it reports a refusal).
/// </summary>
internal sealed class SecuredRegistryStub : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SecuredRegistryStub(WebApplication app, Calls calls)
    {
        _app = app;
        Seen = calls;
        Url = app.Urls.First();
    }

    public string Url { get; }

    public Calls Seen { get; }

    public static async Task<SecuredRegistryStub> StartAsync(X509Certificate2 serverCertificate, X509Certificate2 authority)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.UseUrls("https://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(e =>
        {
            e.Protocols = HttpProtocols.Http2;
            e.UseHttps(https =>
            {
                https.ServerCertificate = serverCertificate;
                https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                https.ClientCertificateValidation = (certificate, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(authority);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(certificate);
                };
            });
        }));
        builder.Logging.ClearProviders();
        var calls = new Calls();
        builder.Services.AddSingleton(calls);
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<StubRegistry>();
        await app.StartAsync().WaitAsync(TestTimeouts.Start);
        return new SecuredRegistryStub(app, calls);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TestTimeouts.Stop);
        await _app.DisposeAsync();
    }

    internal sealed class Calls
    {
        public ConcurrentQueue<(string? Authorization, string? ClientCertificate)> ListApps { get; } = new();
    }

    private sealed class StubRegistry(Calls calls) : Protocol.Registry.V1.Registry.RegistryBase
    {
        public override Task<ListAppsResponse> ListApps(ListAppsRequest request, ServerCallContext context)
        {
            var authorization = context.RequestHeaders.GetValue("authorization");
            var certificate = context.GetHttpContext().Connection.ClientCertificate?.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
            calls.ListApps.Enqueue((authorization, certificate));
            if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.Ordinal))
            {
                throw new RpcException(new Status(StatusCode.Unauthenticated, "a bearer token is required"));
            }

            if (authorization == "Bearer no-read")
            {
                throw new RpcException(new Status(StatusCode.PermissionDenied, "no read grant on namespace 'default'"));
            }

            return Task.FromResult(new ListAppsResponse { Apps = { new AppSummary { App = "secured", InstanceCount = 1 } }, Revision = 1 });
        }
    }
}
