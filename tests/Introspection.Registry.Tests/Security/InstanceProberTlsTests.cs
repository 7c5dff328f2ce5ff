using System.Security.Cryptography.X509Certificates;
using Introspection.Registry.Leases;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Introspection.Registry.Tests.Security;

/// <summary>
/// The registry's health probe dials an instance registered with <c>scheme=https</c> over TLS, trusting the configured
/// CA, and presents its client certificate to a metadata endpoint that requires mutual TLS.
/// </summary>
public sealed class InstanceProberTlsTests : IDisposable
{
    private readonly TestCertificates _ca = TestCertificates.CreateAuthority();

    [Fact]
    public async Task ProbeAsync_TlsInstanceRequiringClientCertificate_ServingWithCaAndCertificate()
    {
        await using var instance = await StartInstanceAsync();
        using var probeCertificate = _ca.IssueClient("introspection-registry");
        var (certificate, key) = _ca.WritePem(probeCertificate, "probe");
        using var prober = Prober(new RegistryProbeOptions { TrustedCaFile = _ca.AuthorityPemPath, ClientCertificateFile = certificate, ClientKeyFile = key });

        var outcome = await prober.ProbeAsync("127.0.0.1", instance.Port, useTls: true, CancellationToken.None).WaitAsync(TestTimeouts.Long);

        Assert.Equal(ProbeOutcome.Serving, outcome);
    }

    [Fact]
    public async Task ProbeAsync_TlsInstanceWithoutTrustedCa_NotServing()
    {
        await using var instance = await StartInstanceAsync();
        using var probeCertificate = _ca.IssueClient("introspection-registry");
        var (certificate, key) = _ca.WritePem(probeCertificate, "probe");
        using var prober = Prober(new RegistryProbeOptions { ClientCertificateFile = certificate, ClientKeyFile = key });

        var outcome = await prober.ProbeAsync("127.0.0.1", instance.Port, useTls: true, CancellationToken.None).WaitAsync(TestTimeouts.Long);

        Assert.Equal(ProbeOutcome.Unreachable, outcome);
    }

    [Fact]
    public async Task ProbeAsync_TlsInstanceAsH2c_NotServing()
    {
        await using var instance = await StartInstanceAsync();
        using var prober = Prober(new RegistryProbeOptions { TrustedCaFile = _ca.AuthorityPemPath });

        var outcome = await prober.ProbeAsync("127.0.0.1", instance.Port, CancellationToken.None).WaitAsync(TestTimeouts.Long);

        Assert.NotEqual(ProbeOutcome.Serving, outcome);
    }

    public void Dispose() => _ca.Dispose();

    private static InstanceProber Prober(RegistryProbeOptions probe)
    {
        var options = new RegistryOptions();
        probe.Timeout = TimeSpan.FromSeconds(5);
        options.Leases.Probe = probe;
        return new InstanceProber(Options.Create(options));
    }

    /// <summary>A stand-in metadata endpoint: HTTPS with a certificate from the test CA, client certificates required, grpc.health.v1 SERVING.</summary>
    private async Task<RunningInstance> StartInstanceAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        var serverCertificate = _ca.IssueServer();
        var authority = _ca.Authority;
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = serverCertificate,
                ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                ClientCertificateValidation = (certificate, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(authority);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(certificate);
                },
            });
        }));
        builder.Services.AddGrpc();
        builder.Services.AddGrpcHealthChecks(o => o.Services.Map(RegistryProbeOptions.ServiceName, _ => true))
            .AddCheck("up", () => HealthCheckResult.Healthy());
        var app = builder.Build();
        app.MapGrpcHealthChecksService();
        await app.StartAsync().WaitAsync(TestTimeouts.Start);
        return new RunningInstance(app, serverCertificate, new Uri(app.Urls.Single()).Port);
    }

    private sealed class RunningInstance(WebApplication app, X509Certificate2 certificate, int port) : IAsyncDisposable
    {
        public int Port { get; } = port;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync().WaitAsync(TestTimeouts.Stop);
            await app.DisposeAsync();
            certificate.Dispose();
        }
    }
}
