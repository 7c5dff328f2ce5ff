using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Introspection.Registry.Stores.Redis;

/// <summary>
/// The shared store: instances, leases, the service → app mapping, the revision counter and the change
/// feed live in Redis, so registry nodes are stateless and any number of them can serve one registry.
/// Every change is one Lua script (atomic: state, revision and feed entry together). All keys of one
/// registry share the hash tag <c>{KeyPrefix}</c>, i.e. one Cluster slot. Key layout and trade-offs:
/// <c>registry-min/README.md</c>, section "Redis store".
/// </summary>
internal sealed partial class RedisRegistryStore : IRegistryStore, IAsyncDisposable, IDisposable
{
    public const string StoreName = "redis";

    private readonly RegistryRedisOptions _options;
    private readonly RegistryHistoryOptions _history;
    private readonly RegistryLimitsOptions _limits;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RedisRegistryStore> _logger;
    private readonly string _prefix;
    private readonly RedisKey[] _keys;
    private readonly RedisChannel _changesChannel;
    private readonly CancellationTokenSource _disposing = new();
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private ConnectionMultiplexer? _connection;
    private Task? _heartbeat;
    private int _unavailable;
    private int _subscribed;
    private long _notifiedRevision;
    private long _knownOutageOffsetMs = -1;
    private TaskCompletionSource _changed = NewSignal();

    public RedisRegistryStore(IOptions<RegistryRedisOptions> options, IOptions<RegistryOptions> registryOptions, TimeProvider timeProvider, ILogger<RedisRegistryStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(registryOptions);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        _history = registryOptions.Value.History;
        _limits = registryOptions.Value.Limits;
        _timeProvider = timeProvider;
        _logger = logger;

        // The braces make the whole prefix the hash tag: every key of this registry maps to one slot.
        _prefix = "{" + _options.KeyPrefix + "}:";
        _keys = [(RedisKey)(_prefix + "rev")];
        _changesChannel = RedisChannel.Literal(_prefix + "changes");
    }

    public string Name => StoreName;

    /// <summary>The key prefix including its hash tag, e.g. <c>{introspection}:</c>.</summary>
    internal string Prefix => _prefix;

    public void Dispose()
    {
        if (_disposing.IsCancellationRequested)
        {
            return;
        }

        _disposing.Cancel();
        _connection?.Dispose();
        _connectLock.Dispose();
        _disposing.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposing.IsCancellationRequested)
        {
            return;
        }

        await _disposing.CancelAsync().ConfigureAwait(false);
        if (_heartbeat is not null)
        {
            await _heartbeat.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        _connectLock.Dispose();
        _disposing.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Runs one script and maps every "Redis is not there" failure to <see cref="RegistryStoreUnavailableException"/>.</summary>
    private async Task<RedisResult> EvaluateAsync(string script, RedisValue[] scriptArgs, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        RedisResult result;
        try
        {
            var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            var args = new RedisValue[5 + scriptArgs.Length];
            args[0] = _prefix;
            args[1] = _options.UseTimeProviderClock
                ? _timeProvider.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)
                : string.Empty;
            args[2] = _options.UseTimeProviderClock ? 0 : (long)_options.OutageThreshold.TotalMilliseconds;
            args[3] = _history.MaxEvents;
            args[4] = (long)_history.MaxAge.TotalMilliseconds;
            scriptArgs.CopyTo(args, 5);

            // ScriptEvaluateAsync(string) sends EVALSHA and falls back to EVAL on NOSCRIPT, so the
            // scripts survive a Redis restart or failover (a LoadedLuaScript would not).
            // StackExchange.Redis takes no CancellationToken: WaitAsync lets a caller stop waiting; the
            // command itself ends by OperationTimeout.
            result = await connection.GetDatabase().ScriptEvaluateAsync(script, _keys, args).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            if (Interlocked.Exchange(ref _unavailable, 1) == 0)
            {
                Log.RedisUnavailable(_logger, ex.Message, ex);
            }

            throw new RegistryStoreUnavailableException($"Redis is unavailable: {ex.Message}", ex);
        }

        if (Interlocked.Exchange(ref _unavailable, 0) == 1)
        {
            Log.RedisAvailable(_logger);
        }

        return result;
    }

    private static bool IsUnavailable(Exception ex) => ex switch
    {
        RedisConnectionException or RedisTimeoutException or TimeoutException => true,

        // Transient server states: loading the dataset after a restart, a replica that was just
        // demoted, a Cluster or Sentinel failover in progress, or the server busy with a long script.
        RedisServerException server => server.Message.StartsWith("LOADING", StringComparison.Ordinal)
            || server.Message.StartsWith("READONLY", StringComparison.Ordinal)
            || server.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
            || server.Message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal)
            || server.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal)
            || server.Message.StartsWith("BUSY", StringComparison.Ordinal)
            || server.Message.StartsWith("NOREPLICAS", StringComparison.Ordinal),
        ObjectDisposedException => true,
        _ => false,
    };

    private async ValueTask<ConnectionMultiplexer> ConnectAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _connection) is { } existing)
        {
            return existing;
        }

        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection is not null)
            {
                return _connection;
            }

            var configuration = CreateConfiguration(_options);
            Log.Connecting(_logger, string.Join(',', configuration.EndPoints), _prefix);

            // With AbortOnConnectFail=false this returns even when Redis is down and keeps reconnecting
            // in the background; calls meanwhile fail fast and answer UNAVAILABLE.
            // The connection is made lazily, by whichever request comes first: without SuppressFlow
            // the multiplexer's own timers and the heartbeat below would capture that request's
            // ExecutionContext (its Activity, AsyncLocals) and keep it alive for the process lifetime.
            Task<ConnectionMultiplexer> connecting;
            using (ExecutionContext.SuppressFlow())
            {
                connecting = Task.Run(() => ConnectionMultiplexer.ConnectAsync(configuration), CancellationToken.None);
            }

            var connection = await connecting.ConfigureAwait(false);
            connection.ConnectionFailed += (_, e) => Log.ConnectionFailed(_logger, e.EndPoint?.ToString(), e.FailureType, e.Exception);
            connection.ConnectionRestored += (_, e) => Log.ConnectionRestored(_logger, e.EndPoint?.ToString());
            Volatile.Write(ref _connection, connection);
            using (ExecutionContext.SuppressFlow())
            {
                _heartbeat = Task.Run(() => RunHeartbeatAsync(_disposing.Token), CancellationToken.None);
            }

            return connection;
        }
        finally
        {
            _connectLock.Release();
        }
    }

    internal static ConfigurationOptions CreateConfiguration(RegistryRedisOptions options)
    {
        var configuration = ConfigurationOptions.Parse(options.Configuration ?? throw new InvalidOperationException($"{RegistryRedisOptions.SectionName}:Configuration is not set."));

        // The registry must start, run and recover while Redis is away; it never blocks on it.
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = (int)options.ConnectTimeout.TotalMilliseconds;
        configuration.SyncTimeout = (int)options.OperationTimeout.TotalMilliseconds;
        configuration.AsyncTimeout = (int)options.OperationTimeout.TotalMilliseconds;

        // Fail fast while disconnected instead of queueing commands: a registry call answers
        // UNAVAILABLE at once and the client retries another registry node, rather than waiting
        // for a backlog that may flush long after the caller gave up.
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ReconnectRetryPolicy = new ExponentialRetry(250, 2000);
        configuration.ClientName ??= "introspection-registry";
        return configuration;
    }

    /// <summary>
    /// Touches the registry's clock in Redis every <see cref="RegistryRedisOptions.ClockInterval"/>: the
    /// gaps between touches are how an outage is measured (see <see cref="RedisScripts.Heartbeat"/>).
    /// Also (re)subscribes to change notifications.
    /// </summary>
    private async Task RunHeartbeatAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.ClockInterval, _timeProvider);
        try
        {
            do
            {
                try
                {
                    await EnsureSubscribedAsync(cancellationToken).ConfigureAwait(false);
                    var offset = (long)await EvaluateAsync(RedisScripts.Heartbeat, [], cancellationToken).ConfigureAwait(false);
                    var known = Interlocked.Exchange(ref _knownOutageOffsetMs, offset);
                    if (known >= 0 && offset > known)
                    {
                        Log.LeasesExtended(_logger, TimeSpan.FromMilliseconds(offset - known));
                    }
                }
                catch (RegistryStoreUnavailableException)
                {
                    // Logged once per outage by EvaluateAsync; the next tick tries again.
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The heartbeat must outlive anything: without it an outage goes unmeasured.
                    Log.HeartbeatFailed(_logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
