using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Introspection.Client;

namespace Introspection.Cli;

/// <summary>
/// Channels to the registry and to provider instances, with the TLS and credential settings: gRPC's own
/// <see cref="ChannelCredentials"/> / <see cref="CallCredentials"/>, and for the client library the
/// <see cref="RegistryChannelOptions"/> hooks (<c>ConfigureHttpHandler</c>, <c>Credentials</c>).
/// </summary>
internal sealed class CliChannels
{
    private readonly CliSettings _settings;
    private readonly X509Certificate2? _ca;
    private readonly X509Certificate2? _clientCertificate;

    public CliChannels(CliSettings settings)
    {
        _settings = settings;
        try
        {
            _ca = settings.CaFile is null ? null : X509CertificateLoader.LoadCertificateFromFile(settings.CaFile);
            if (settings.CertFile is not null)
            {
                // Re-imported so the key is usable by SslStream on every platform (PEM keys are ephemeral).
                using var pem = X509Certificate2.CreateFromPemFile(settings.CertFile, settings.KeyFile);
                _clientCertificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
            }
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new CliException(ExitCodes.Usage, $"cannot read the certificate files: {ex.Message}");
        }
    }

    /// <summary>The bearer token as gRPC call credentials (attached only to https channels by gRPC itself).</summary>
    public CallCredentials? CallCredentials => _settings.Token is { } token
        ? CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("authorization", "Bearer " + token);
            return Task.CompletedTask;
        })
        : null;

    public GrpcChannel ForRegistry() => Create(_settings.Registry, CallCredentials);

    /// <summary>A channel to a provider instance (its metadata endpoint): the same trust, never the registry token.</summary>
    public GrpcChannel ForInstance(Uri address) => Create(address, credentials: null);

    /// <summary>Applies the CA and client certificate to a handler (also the client library's ConfigureHttpHandler hook).</summary>
    public void ConfigureHandler(SocketsHttpHandler handler)
    {
        if (_clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [_clientCertificate];
        }

        if (_ca is { } ca)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => Trusted(ca, certificate, errors);
        }
    }

    public RegistryChannelOptions RegistryChannelOptions() => new()
    {
        ConfigureHttpHandler = (_, handler) => ConfigureHandler(handler),
        Credentials = CallCredentials,
    };

    private GrpcChannel Create(Uri address, CallCredentials? credentials)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = _settings.Timeout,
            EnableMultipleHttp2Connections = true,
        };
        ConfigureHandler(handler);
        var options = new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true, MaxReceiveMessageSize = 64 * 1024 * 1024 };
        if (address.Scheme == Uri.UriSchemeHttps)
        {
            options.Credentials = credentials is null ? ChannelCredentials.SecureSsl : ChannelCredentials.Create(ChannelCredentials.SecureSsl, credentials);
        }

        return GrpcChannel.ForAddress(address, options);
    }

    private static bool Trusted(X509Certificate2 ca, X509Certificate? presented, SslPolicyErrors errors)
    {
        if (presented is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            // No certificate, or the name does not match: a CA file does not excuse either.
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        var certificate = presented as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        return chain.Build(certificate);
    }
}
