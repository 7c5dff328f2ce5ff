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
    }

    /// <summary>Probes http://host:port, bounded by <see cref="RegistryProbeOptions.Timeout"/>.</summary>
    public virtual async Task<ProbeOutcome> ProbeAsync(string host, int port, CancellationToken cancellationToken)
    {
        var address = new UriBuilder(Uri.UriSchemeHttp, host, port).Uri;
        using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = _handler,
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

    public void Dispose()
    {
        _handler.Dispose();
        GC.SuppressFinalize(this);
    }
}
