using Grpc.Core;
using Grpc.Net.Client;
using Introspection.Protocol.Registry.V1;
using Microsoft.Extensions.Logging;
using RegistryClient = Introspection.Protocol.Registry.V1.Registry.RegistryClient;

namespace Introspection.Client.Internal;

/// <summary>
/// The configured registry addresses and a channel to each: the one place that parses <c>Registries</c>
/// entries, fails over between nodes and builds registry channels, for the discovery client and the
/// registrar alike. Each entry is one registry (a group); the comma-separated addresses of an entry are nodes
/// of that registry, sharing one store and one revision history. Calls go to the current address; a failure
/// moves the current address on, so the next attempt (and a stream) fails over to the next node. DNS names are
/// resolved by <see cref="SocketsHttpHandler"/> on every new connection, so a name that moves is followed.
/// </summary>
internal sealed partial class RegistryConnection : IDisposable
{
    private readonly Uri[] _addresses;
    private readonly int[] _groups;
    private readonly GrpcChannel?[] _channels;
    private readonly RegistryChannelDefaults _defaults;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly TlsClientSettings _tls;
    private readonly CallCredentials? _credentials;
    private readonly Lock _lock = new();
    private int _current;
    private bool _disposed;

    public RegistryConnection(IEnumerable<string> entries, RegistryChannelDefaults defaults, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        var nodes = Parse(entries)
            .SelectMany((registry, group) => registry.Select(address => (Address: address, Group: group)))
            .ToArray();
        _addresses = nodes.Select(n => n.Address).ToArray();
        _groups = nodes.Select(n => n.Group).ToArray();
        _channels = new GrpcChannel?[_addresses.Length];
        _defaults = defaults;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger<RegistryConnection>();

        // Read once: a certificate file that is missing fails here, at startup, not on the first call.
        var hooks = defaults.Hooks;
        _tls = TlsClientSettings.Load(hooks.Tls, defaults.SettingsPrefix + ":Tls", _logger);
        var tokens = StaticTokenSource.From(hooks.TokenSource, hooks.AccessToken);
        _credentials = (tokens, hooks.Credentials) switch
        {
            (null, var own) => own,
            ({ } source, null) => BearerCallCredentials.Create(source),
            ({ } source, { } own) => CallCredentials.Compose(BearerCallCredentials.Create(source), own),
        };
    }

    public int Count => _addresses.Length;

    /// <summary>The index of the address calls go to now (for <see cref="MarkFailed"/> and <see cref="ResetChannel"/>).</summary>
    public int CurrentIndex
    {
        get
        {
            lock (_lock)
            {
                return _current;
            }
        }
    }

    /// <summary>The address calls go to now.</summary>
    public Uri CurrentAddress
    {
        get
        {
            lock (_lock)
            {
                return _addresses[_current];
            }
        }
    }

    /// <summary>
    /// The discovery client's channel settings: pings on the otherwise idle Watch stream, a bounded connection
    /// lifetime to re-resolve DNS, grpc-dotnet logging on, large snapshots allowed.
    /// </summary>
    public static RegistryChannelDefaults ClientDefaults(TimeSpan callTimeout, TimeSpan keepAlive, int maxReceiveMessageSize, ILoggerFactory loggerFactory, RegistryChannelOptions? hooks = null) => new()
    {
        SettingsPrefix = IntrospectionClientOptions.SectionName + ":RegistryChannel",
        CallTimeout = callTimeout,
        ConfigureHandler = handler =>
        {
            handler.EnableMultipleHttp2Connections = true;
            handler.ConnectTimeout = callTimeout;
            // The Watch stream is idle when nothing changes: pings find a registry that vanished without a FIN.
            handler.KeepAlivePingDelay = keepAlive;
            handler.KeepAlivePingTimeout = keepAlive;
            handler.KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always;
            // Re-resolve DNS names now and then even on a healthy connection.
            handler.PooledConnectionLifetime = TimeSpan.FromMinutes(5);
        },
        // A whole-namespace SNAPSHOT is one message: grpc-dotnet's 4 MB default is exceeded above ~25k instances.
        MaxReceiveMessageSize = maxReceiveMessageSize,
        ChannelLoggerFactory = loggerFactory,
        Hooks = hooks ?? new RegistryChannelOptions(),
    };

    /// <summary>
    /// Splits <c>Registries</c> entries into registries, each a list of node addresses. Throws
    /// <see cref="UriFormatException"/> on an address that is not absolute.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<Uri>> Parse(IEnumerable<string> entries) =>
        entries
            .Where(e => !string.IsNullOrWhiteSpace(e))
            .Select(e => (IReadOnlyList<Uri>)Split([e]).Select(a => new Uri(a, UriKind.Absolute)).ToArray())
            .ToArray();

    /// <summary>
    /// The registry (configuration entry) the address at <paramref name="index"/> belongs to. Two addresses of
    /// the same group share one revision history, so a Watch may resume on one from a revision read on the other.
    /// </summary>
    public int GroupOf(int index) => _groups[index];

    /// <summary>The address at <paramref name="index"/>.</summary>
    public Uri AddressOf(int index) => _addresses[index];

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
                FailoverTelemetry.Record(_addresses[index], _addresses[_current], _groups[index] == _groups[_current]);
            }
        }
    }

    /// <summary>
    /// Drops the channel to the node at <paramref name="index"/> so the next attempt dials afresh: a
    /// GrpcChannel backs off its own reconnects (1 s and growing, up to minutes), which would hide a
    /// restarted registry far longer than the caller's backoff; a new channel (with its own handler and
    /// connection pool) also resolves a DNS name again.
    /// </summary>
    public void ResetChannel(int index)
    {
        GrpcChannel? channel;
        lock (_lock)
        {
            channel = _channels[index];
            _channels[index] = null;
        }

        channel?.Dispose();
    }

    /// <summary>A deadline <see cref="RegistryChannelDefaults.CallTimeout"/> from now, on the injected clock.</summary>
    public DateTime Deadline() => _timeProvider.GetUtcNow().UtcDateTime + _defaults.CallTimeout;

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
                    deadline: Deadline(),
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

    /// <summary>Caller holds <see cref="_lock"/>.</summary>
    private GrpcChannel GetChannel(int index)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _channels[index] ??= CreateChannel(_addresses[index]);
    }

    private GrpcChannel CreateChannel(Uri address)
    {
        // One handler per channel, owned by it: dropping the channel must drop its pooled connections too,
        // or ResetChannel would not dial afresh.
        var sockets = new SocketsHttpHandler();
        _defaults.ConfigureHandler(sockets);
        _tls.Apply(sockets);
        var hooks = _defaults.Hooks;
        hooks.ConfigureHttpHandler?.Invoke(address, sockets);
        var handler = hooks.WrapHandler?.Invoke(sockets) ?? sockets;
        var options = new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            LoggerFactory = _defaults.ChannelLoggerFactory,
        };
        if (_defaults.MaxReceiveMessageSize is { } max)
        {
            options.MaxReceiveMessageSize = max;
        }

        if (_credentials is { } credentials)
        {
            if (!string.Equals(address.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase))
            {
                handler.Dispose();
                throw new InvalidOperationException($"Registry call credentials (a token or an API key) need an https address; {address} is not one, and they are not sent in clear text.");
            }

            options.Credentials = ChannelCredentials.Create(ChannelCredentials.SecureSsl, credentials);
        }

        hooks.ConfigureChannel?.Invoke(address, options);
        return GrpcChannel.ForAddress(address, options);
    }

    public void Dispose()
    {
        GrpcChannel?[] channels;
        lock (_lock)
        {
            _disposed = true;
            channels = [.. _channels];
            Array.Clear(_channels);
        }

        foreach (var channel in channels)
        {
            channel?.Dispose();
        }
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
