using System.Net.Security;
using Grpc.Core;
using Grpc.Net.Client;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Introspection.Testing;

/// <summary>
/// A real registry in process over HTTP/2 with TLS on a loopback port, its server certificate issued by a test
/// authority and configured the way Kestrel is usually configured (<c>Kestrel:Endpoints:...:Certificate</c> PEM
/// files), optionally behind a <see cref="BearerGate"/> to see and check what credentials reach it. The registry's
/// own authentication is not switched on here: the gate stands in for it.
/// </summary>
public sealed class TlsRegistryHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TlsRegistryHost(WebApplication app, Uri address, TestCertificates authority, BearerGate? gate)
    {
        _app = app;
        Address = address;
        Url = address.GetLeftPart(UriPartial.Authority);
        Gate = gate;
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            errors == SslPolicyErrors.None || (certificate is not null && IssuedBy(certificate, authority));
        Channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            Credentials = ChannelCredentials.Create(ChannelCredentials.SecureSsl, CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("authorization", "Bearer " + BearerGate.AdminToken);
                return Task.CompletedTask;
            })),
        });
        Client = new Protocol.Registry.V1.Registry.RegistryClient(Channel);
    }

    /// <summary>The bound address, <c>https://127.0.0.1:port/</c>.</summary>
    public Uri Address { get; }

    /// <summary><c>https://127.0.0.1:port</c>.</summary>
    public string Url { get; }

    public BearerGate? Gate { get; }

    /// <summary>A client that trusts the test authority and passes the gate.</summary>
    public Protocol.Registry.V1.Registry.RegistryClient Client { get; }

    public GrpcChannel Channel { get; }

    /// <summary>Starts a registry whose server certificate <paramref name="authority"/> issues.</summary>
    public static async Task<TlsRegistryHost> StartAsync(TestCertificates authority, BearerGate? gate = null, params string[] settings)
    {
        using var certificate = authority.IssueServer();
        var (certificatePath, keyPath) = authority.WritePem(certificate, "registry-" + Guid.NewGuid().ToString("N"));
        var app = RegistryApplication.Build(
        [
            "--Kestrel:Endpoints:Tls:Url=https://127.0.0.1:0",
            $"--Kestrel:Endpoints:Tls:Certificate:Path={certificatePath}",
            $"--Kestrel:Endpoints:Tls:Certificate:KeyPath={keyPath}",
            "--Logging:LogLevel:Default=Warning",
            "--Introspection:Registry:Leases:MinTtl=00:00:01",
            "--Introspection:Registry:Leases:SweepInterval=00:00:00.200",
            .. settings,
        ]);
        gate?.Install(app);
        try
        {
            await app.StartAsync().WaitAsync(TestTimeouts.Start).ConfigureAwait(false);
            var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
                .Single(a => a.StartsWith("https://", StringComparison.Ordinal));
            return new TlsRegistryHost(app, new Uri(bound), authority, gate);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The instances of <paramref name="app"/> the registry holds.</summary>
    public async Task<IReadOnlyList<Instance>> InstancesAsync(string app, string @namespace = "")
    {
        var response = await Client.ListInstancesAsync(new ListInstancesRequest { App = app, Namespace = @namespace }, deadline: DateTime.UtcNow.AddSeconds(5)).ResponseAsync.ConfigureAwait(false);
        return response.Instances;
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        try
        {
            await _app.StopAsync().WaitAsync(TestTimeouts.Stop).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static bool IssuedBy(System.Security.Cryptography.X509Certificates.X509Certificate certificate, TestCertificates authority)
    {
        using var leaf = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
        chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority.Authority);
        chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }
}
