using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;

namespace Introspection.Registry.Leases;

/// <summary>
/// Asks an instance's <c>grpc.health.v1.Health/Check</c> whether it serves
/// <see cref="RegistryProbeOptions.ServiceName"/>.
/// </summary>
/// <remarks>
/// One <see cref="SocketsHttpHandler"/> is shared by every probe and a lightweight
/// <see cref="GrpcChannel"/> is created and disposed per probe (it does not own the handler).
/// The handler's pool reuses a connection when the same instance is probed again soon, and
/// closes idle ones after <see cref="PooledConnectionIdleTimeout"/>: no per-address channel
/// cache to bound or evict, and at most one pooled connection per recently probed address.
/// Probes are rare (only lapsed leases), so a fresh HTTP/2 handshake now and then costs nothing.
/// </remarks>
internal class InstanceProber : IDisposable
{
    internal static readonly TimeSpan PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30);

    private readonly RegistryProbeOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly SocketsHttpHandler _handler;
    private readonly Lazy<SocketsHttpHandler> _tlsHandler;

    public InstanceProber(IOptions<RegistryOptions> options)
        : this(options, TimeProvider.System)
    {
    }

    public InstanceProber(IOptions<RegistryOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options.Value.Leases.Probe;
        _timeProvider = timeProvider;
        _handler = new SocketsHttpHandler
        {
            ConnectTimeout = _options.Timeout,
            PooledConnectionIdleTimeout = PooledConnectionIdleTimeout,
            // Never follow the instance anywhere else, and keep one connection per address.
            AllowAutoRedirect = false,
            EnableMultipleHttp2Connections = false,
            UseProxy = false,
        };
        _tlsHandler = new Lazy<SocketsHttpHandler>(CreateTlsHandler);
    }

    /// <summary>Probes http://host:port, bounded by <see cref="RegistryProbeOptions.Timeout"/>.</summary>
    public virtual Task<ProbeOutcome> ProbeAsync(string host, int port, CancellationToken cancellationToken) =>
        ProbeAsync(host, port, useTls: false, cancellationToken);

    /// <summary>
    /// Probes https://host:port (<paramref name="useTls"/>: the instance registered <c>scheme=https</c>) or
    /// http://host:port, bounded by <see cref="RegistryProbeOptions.Timeout"/>. Over TLS the server certificate must
    /// chain to <see cref="RegistryProbeOptions.TrustedCaFile"/> (or the system store), and the probe presents
    /// <see cref="RegistryProbeOptions.ClientCertificateFile"/> when configured.
    /// </summary>
    public virtual async Task<ProbeOutcome> ProbeAsync(string host, int port, bool useTls, CancellationToken cancellationToken)
    {
        var address = new UriBuilder(useTls ? Uri.UriSchemeHttps : Uri.UriSchemeHttp, host, port).Uri;
        using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = useTls ? _tlsHandler.Value : _handler,
            DisposeHttpClient = false,
            // One shot: a retry would only stretch the sweep.
            MaxRetryAttempts = 0,
        });
        var client = new Health.HealthClient(channel);

        // The timeout runs on the injected clock, not as a gRPC deadline: grpc-dotnet measures
        // deadlines against the system clock, so a DateTime deadline would ignore the TimeProvider
        // (and jump with wall-clock changes). Expiry cancels the call, reported as a timeout.
        using var timeout = new CancellationTokenSource(_options.Timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var response = await client.CheckAsync(
                new HealthCheckRequest { Service = RegistryProbeOptions.ServiceName },
                cancellationToken: linked.Token).ConfigureAwait(false);
            return response.Status == HealthCheckResponse.Types.ServingStatus.Serving ? ProbeOutcome.Serving : ProbeOutcome.NotServing;
        }
        catch (Exception ex) when (ex is RpcException or OperationCanceledException && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return ProbeOutcome.Timeout;
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return ex.StatusCode switch
            {
                StatusCode.DeadlineExceeded => ProbeOutcome.Timeout,
                StatusCode.Unavailable or StatusCode.Internal or StatusCode.Cancelled => ProbeOutcome.Unreachable,
                _ => ProbeOutcome.NotServing,
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            return ProbeOutcome.Unreachable;
        }
    }

    private SocketsHttpHandler CreateTlsHandler()
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = _options.Timeout,
            PooledConnectionIdleTimeout = PooledConnectionIdleTimeout,
            AllowAutoRedirect = false,
            EnableMultipleHttp2Connections = false,
            UseProxy = false,
        };
        if (!string.IsNullOrEmpty(_options.TrustedCaFile))
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(_options.TrustedCaFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                // Name mismatch and a missing certificate stay fatal; only the chain is judged against our CA.
                if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                return chain.Build(presented);
            };
        }

        if (!string.IsNullOrEmpty(_options.ClientCertificateFile) && !string.IsNullOrEmpty(_options.ClientKeyFile))
        {
            // Re-imported as PKCS#12: on Linux SslStream needs a key it can use for the handshake.
            using var pem = X509Certificate2.CreateFromPemFile(_options.ClientCertificateFile, _options.ClientKeyFile);
            handler.SslOptions.ClientCertificates = [X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null)];
        }

        return handler;
    }

    public void Dispose()
    {
        _handler.Dispose();
        if (_tlsHandler.IsValueCreated)
        {
            _tlsHandler.Value.Dispose();
        }

        GC.SuppressFinalize(this);
    }
}
