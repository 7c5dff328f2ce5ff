using Grpc.Net.Client;
using Introspection.Protocol.Metadata.V1;
using Introspection.Protocol.Registry.V1;
using Microsoft.Extensions.Logging;

namespace Introspection.Client.Internal;

/// <summary>
/// Calls <c>MetadataService.GetMetadataInfo</c> on an instance. Fetches are rare (once per distinct revision),
/// so a channel per call over one shared <see cref="SocketsHttpHandler"/> is cheap and keeps no state per
/// instance that would have to be cleaned up when instances come and go. It is only called from the metadata
/// cache's background fetches, which run without the caller's ExecutionContext (<see cref="BackgroundWork"/>), so
/// the connections and timers the handler creates on first use do not capture it either.
/// </summary>
internal sealed class GrpcMetadataFetcher : IMetadataFetcher, IDisposable
{
    private readonly SocketsHttpHandler _handler;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _timeout;
    private readonly string _scheme;

    public GrpcMetadataFetcher(TimeSpan timeout, bool useTls, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        _timeout = timeout;
        _timeProvider = timeProvider;
        _scheme = useTls ? Uri.UriSchemeHttps : Uri.UriSchemeHttp;
        _loggerFactory = loggerFactory;
        _handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = timeout,
            // Connections to instances are used once per revision; do not keep them around.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
    }

    public async Task<MetadataInfo> FetchAsync(Instance instance, string revision, CancellationToken cancellationToken)
    {
        var address = new UriBuilder(_scheme, instance.Host, instance.Port).Uri;
        using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = _handler,
            DisposeHttpClient = false,
            LoggerFactory = _loggerFactory,
        });
        var client = new MetadataService.MetadataServiceClient(channel);
        return await client.GetMetadataInfoAsync(
            new GetMetadataInfoRequest { Revision = revision },
            deadline: _timeProvider.GetUtcNow().UtcDateTime + _timeout,
            cancellationToken: cancellationToken).ResponseAsync.ConfigureAwait(false);
    }

    public void Dispose() => _handler.Dispose();
}
