using Grpc.Core;
using Grpc.Net.Client;
using Introspection.Protocol;
using Introspection.Protocol.Metadata.V1;
using Introspection.Protocol.Registry.V1;
using Microsoft.Extensions.Logging;

namespace Introspection.Client.Internal;

/// <summary>
/// Calls <c>MetadataService.GetMetadataInfo</c> on an instance, with the scheme of its <c>scheme</c> label, the
/// consumer's provider TLS settings, and its bearer token over https. Fetches are rare (once per distinct revision),
/// so a channel per call over one shared <see cref="SocketsHttpHandler"/> is cheap and keeps no state per
/// instance that would have to be cleaned up when instances come and go. It is only called from the metadata
/// cache's background fetches, which run without the caller's ExecutionContext (<see cref="BackgroundWork"/>), so
/// the connections and timers the handler creates on first use do not capture it either.
/// </summary>
internal sealed partial class GrpcMetadataFetcher : IMetadataFetcher, IDisposable
{
    private readonly SocketsHttpHandler _handler;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _timeout;
    private readonly bool _unlabeledIsHttps;
    private readonly ChannelCredentials _secure;

    public GrpcMetadataFetcher(TimeSpan timeout, bool unlabeledIsHttps, TimeProvider timeProvider, ILoggerFactory loggerFactory, ProviderChannelOptions? channel = null)
    {
        channel ??= new ProviderChannelOptions();
        _timeout = timeout;
        _timeProvider = timeProvider;
        _unlabeledIsHttps = unlabeledIsHttps;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<GrpcMetadataFetcher>();
        _handler = InstanceChannelHandler.Create(timeout, channel, _logger);
        var tokens = StaticTokenSource.From(channel.TokenSource, channel.AccessToken);
        HasToken = tokens is not null;
        _secure = tokens is null ? ChannelCredentials.SecureSsl : ChannelCredentials.Create(ChannelCredentials.SecureSsl, BearerCallCredentials.Create(tokens));
    }

    private bool HasToken { get; }

    public async Task<MetadataInfo> FetchAsync(Instance instance, string revision, CancellationToken cancellationToken)
    {
        var scheme = InstanceChannelHandler.SchemeOf(instance, _unlabeledIsHttps);
        var secure = scheme == WireContract.SchemeHttps;
        if (!secure && HasToken)
        {
            // A token is never sent in clear text; a provider that requires one answers UNAUTHENTICATED.
            Log.TokenWithheld(_logger, instance.App, instance.InstanceId);
        }

        var address = new UriBuilder(scheme, instance.Host, instance.Port).Uri;
        using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = _handler,
            DisposeHttpClient = false,
            LoggerFactory = _loggerFactory,
            Credentials = secure ? _secure : ChannelCredentials.Insecure,
        });
        var client = new MetadataService.MetadataServiceClient(channel);
        return await client.GetMetadataInfoAsync(
            new GetMetadataInfoRequest { Revision = revision },
            deadline: _timeProvider.GetUtcNow().UtcDateTime + _timeout,
            cancellationToken: cancellationToken).ResponseAsync.ConfigureAwait(false);
    }

    public void Dispose() => _handler.Dispose();
}
