using Grpc.Core;
using Grpc.Net.Client;
using Introspection.Protocol.Registry.V1;
using Microsoft.Extensions.Logging;
using RegistryClient = Introspection.Protocol.Registry.V1.Registry.RegistryClient;

namespace Introspection.Client.Internal;

/// <summary>
/// The addresses of one registry and a channel to each. Calls go to the current address; a failure moves the
/// current address on, so the next attempt (and the Watch stream) fails over to the next node. DNS names are
/// resolved by <see cref="SocketsHttpHandler"/> on every new connection, so a name that moves is followed.
/// </summary>
internal sealed partial class RegistryConnection : IDisposable
{
    private readonly Uri[] _addresses;
    private readonly GrpcChannel?[] _channels;
    private readonly SocketsHttpHandler _handler;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeSpan _callTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _lock = new();
    private int _current;

    public RegistryConnection(IEnumerable<string> addresses, TimeSpan callTimeout, TimeSpan keepAlive, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        _addresses = Split(addresses).Select(a => new Uri(a, UriKind.Absolute)).ToArray();
        _channels = new GrpcChannel?[_addresses.Length];
        _callTimeout = callTimeout;
        _timeProvider = timeProvider;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<RegistryConnection>();
        _handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = callTimeout,
            // The Watch stream is idle when nothing changes: pings find a registry that vanished without a FIN.
            KeepAlivePingDelay = keepAlive,
            KeepAlivePingTimeout = keepAlive,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            // Re-resolve DNS names now and then even on a healthy connection.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
    }

    public int Count => _addresses.Length;

    /// <summary>Entries may list several addresses separated by commas (the provider's notation for the nodes of one registry).</summary>
    public static IEnumerable<string> Split(IEnumerable<string> entries) =>
        entries.SelectMany(e => e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>The current address and a client for it.</summary>
    public (RegistryClient Client, int Index, Uri Address) Current()
    {
        lock (_lock)
        {
            var index = _current;
            return (new RegistryClient(GetChannel(index)), index, _addresses[index]);
        }
    }

    /// <summary>Moves off <paramref name="index"/> if it is still the current address.</summary>
    public void MarkFailed(int index)
    {
        lock (_lock)
        {
            if (_current == index && _addresses.Length > 1)
            {
                _current = (index + 1) % _addresses.Length;
                Log.FailingOver(_logger, _addresses[index], _addresses[_current]);
            }
        }
    }

    /// <summary>The apps that provide <paramref name="service"/>, trying each address once.</summary>
    public async Task<LookupServiceResponse> LookupServiceAsync(string @namespace, string service, CancellationToken cancellationToken)
    {
        Exception? last = null;
        for (var attempt = 0; attempt < _addresses.Length; attempt++)
        {
            var (client, index, address) = Current();
            try
            {
                return await client.LookupServiceAsync(
                    new LookupServiceRequest { Namespace = @namespace, Service = service },
                    deadline: _timeProvider.GetUtcNow().UtcDateTime + _callTimeout,
                    cancellationToken: cancellationToken).ResponseAsync.ConfigureAwait(false);
            }
            catch (RpcException ex) when (IsFailover(ex.StatusCode) && !cancellationToken.IsCancellationRequested)
            {
                Log.CallFailed(_logger, "LookupService", address, ex.StatusCode, ex);
                MarkFailed(index);
                last = ex;
            }
        }

        throw last ?? new InvalidOperationException("No registry address is configured.");
    }

    /// <summary>Statuses that say "this node cannot answer now" rather than "your request is wrong".</summary>
    public static bool IsFailover(StatusCode code) =>
        code is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Unknown
            or StatusCode.Cancelled or StatusCode.ResourceExhausted or StatusCode.Unimplemented;

    private GrpcChannel GetChannel(int index) =>
        _channels[index] ??= GrpcChannel.ForAddress(_addresses[index], new GrpcChannelOptions
        {
            HttpHandler = _handler,
            DisposeHttpClient = false,
            LoggerFactory = _loggerFactory,
        });

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var channel in _channels)
            {
                channel?.Dispose();
            }
        }

        _handler.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 300, EventName = "RegistryFailingOver", Level = LogLevel.Information,
            Message = "Registry {Address} failed; moving to {Next}.")]
        public static partial void FailingOver(ILogger logger, Uri address, Uri next);

        [LoggerMessage(EventId = 301, EventName = "RegistryCallFailed", Level = LogLevel.Warning,
            Message = "Registry call {Method} to {Address} failed with {StatusCode}.")]
        public static partial void CallFailed(ILogger logger, string method, Uri address, StatusCode statusCode, Exception exception);
    }
}
