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
    private IConnectionMultiplexer? _connection;
    private Task? _heartbeat;
    private int _unavailable;
    private int _slow;
    private int _replicasBehind;

    // Outages this node has seen (connection lost, server not serving, heartbeat dark over a window) vs.
    // the last one a script has measured. Starts "one pending": a node cannot know what happened before
    // it started, so its first script may extend for a gap nobody measured (the whole registry was down).
    private int _outageVersion = 1;
    private int _outageHandled;
    private int _subscribed;
    private long _notifiedRevision;
    private long _knownOutageOffsetMs = -1;
    private TaskCompletionSource _changed = NewSignal();

    public RedisRegistryStore(IOptions<RegistryRedisOptions> options, IOptions<RegistryOptions> registryOptions, TimeProvider timeProvider, ILogger<RedisRegistryStore> logger)
        : this(options, registryOptions, timeProvider, logger, shared: null)
    {
    }

    // shared: the application's multiplexer (from DI), used instead of connecting; never disposed by the store.
    internal RedisRegistryStore(IOptions<RegistryRedisOptions> options, IOptions<RegistryOptions> registryOptions, TimeProvider timeProvider, ILogger<RedisRegistryStore> logger, IConnectionMultiplexer? shared)
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
        _shared = shared;

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
        ReleaseConnection(_connection)?.Dispose();
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

        if (ReleaseConnection(_connection) is { } owned)
        {
            await owned.DisposeAsync().ConfigureAwait(false);
        }

        _connectLock.Dispose();
        _disposing.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Runs one script and maps every "Redis is not there" failure to <see cref="RegistryStoreUnavailableException"/>.</summary>
    private async Task<RedisResult> EvaluateAsync(string script, RedisValue[] scriptArgs, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // Whether this node saw a real outage whose gap no script of this node has measured yet: only
        // then may the script extend the leases (see RedisScripts.Prelude, clock()).
        var handled = Volatile.Read(ref _outageHandled);
        var declared = Volatile.Read(ref _outageVersion);
        var outagePending = declared != handled;
        RedisResult result;
        try
        {
            var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            var args = new RedisValue[5 + scriptArgs.Length];
            args[0] = _prefix;
            args[1] = _options.UseTimeProviderClock
                ? _timeProvider.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)
                : string.Empty;
            var thresholdMs = _options.UseTimeProviderClock ? 0 : (long)_options.OutageThreshold.TotalMilliseconds;
            args[2] = outagePending ? thresholdMs : -thresholdMs;
            args[3] = _history.MaxEvents;
            args[4] = (long)_history.MaxAge.TotalMilliseconds;
            scriptArgs.CopyTo(args, 5);

            // ScriptEvaluateAsync(string) sends EVALSHA and falls back to EVAL on NOSCRIPT, so the
            // scripts survive a Redis restart or failover (a LoadedLuaScript would not).
            // StackExchange.Redis takes no CancellationToken: WaitAsync lets a caller stop waiting; the
            // command itself ends by OperationTimeout.
            result = await connection.GetDatabase().ScriptEvaluateAsync(script, _keys, args).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Not our caller's token: StackExchange.Redis cancels the commands of a connection it tears
            // down (seen on a Sentinel switch-over). Left as is it would end the sweeper, and the host.
            throw Unavailable(ex);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable(ex);
        }

        if (outagePending)
        {
            // This script ran after the outage with the right to extend: the gap is accounted for. A
            // newer outage declared meanwhile has a higher version and stays pending.
            Interlocked.CompareExchange(ref _outageHandled, declared, handled);
        }

        Succeeded();
        return result;
    }

    /// <summary>Runs a script that writes, then (with <see cref="RegistryRedisOptions.WaitReplicas"/>) waits for replicas to have it.</summary>
    private async Task<RedisResult> EvaluateWriteAsync(string script, RedisValue[] scriptArgs, CancellationToken cancellationToken)
    {
        var result = await EvaluateAsync(script, scriptArgs, cancellationToken).ConfigureAwait(false);
        if (_options.WaitReplicas > 0)
        {
            await WaitForReplicasAsync(cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>
    /// Maps a failure to the exception callers see, and decides whether it is an outage. Only a lost
    /// connection or a server that cannot serve (restarting, demoted, failing over) is: a command that
    /// was merely slow (a timeout, <c>BUSY</c>) fails this one call with UNAVAILABLE and changes nothing
    /// else — it must not extend every lease. A Redis that stops answering without dropping the
    /// connection is caught by the heartbeat (<see cref="RunHeartbeatAsync"/>).
    /// </summary>
    private RegistryStoreUnavailableException Unavailable(Exception ex)
    {
        if (IsOutage(ex))
        {
            DeclareOutage(ex.Message, ex);
        }
        else if (Interlocked.Exchange(ref _slow, 1) == 0)
        {
            Log.RedisSlow(_logger, ex.Message, ex);
        }

        return new RegistryStoreUnavailableException($"Redis is unavailable: {ex.Message}", ex);
    }

    private void DeclareOutage(string reason, Exception? exception)
    {
        Interlocked.Increment(ref _outageVersion);
        if (Interlocked.Exchange(ref _unavailable, 1) == 0)
        {
            Log.RedisUnavailable(_logger, reason, exception);
        }
    }

    private void Succeeded()
    {
        Volatile.Write(ref _slow, 0);
        if (Interlocked.Exchange(ref _unavailable, 0) == 1)
        {
            Log.RedisAvailable(_logger);
        }
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

    /// <summary>The failures that mean nobody on this node can reach a working primary (not: it was slow).</summary>
    private static bool IsOutage(Exception ex) => ex switch
    {
        RedisConnectionException or ObjectDisposedException or OperationCanceledException => true,
        RedisServerException server => server.Message.StartsWith("LOADING", StringComparison.Ordinal)
            || server.Message.StartsWith("READONLY", StringComparison.Ordinal)
            || server.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
            || server.Message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal)
            || server.Message.StartsWith("NOREPLICAS", StringComparison.Ordinal),
        _ => false,
    };

    private async ValueTask<IConnectionMultiplexer> ConnectAsync(CancellationToken cancellationToken)
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

            IConnectionMultiplexer connection;
            if (_shared is not null)
            {
                Log.UsingSharedConnection(_logger, _shared.ClientName, _prefix);
                connection = _shared;
            }
            else
            {
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

                connection = await connecting.ConfigureAwait(false);
            }

            // Named handlers: a shared multiplexer outlives the store, which must detach from it (ReleaseConnection).
            connection.ConnectionFailed += OnConnectionFailed;
            connection.ConnectionRestored += OnConnectionRestored;
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
        var lastSuccess = _timeProvider.GetTimestamp();
        var failures = 0;
        try
        {
            do
            {
                try
                {
                    await EnsureSubscribedAsync(cancellationToken).ConfigureAwait(false);
                    var offset = (long)await EvaluateAsync(RedisScripts.Heartbeat, [], cancellationToken).ConfigureAwait(false);
                    lastSuccess = _timeProvider.GetTimestamp();
                    failures = 0;
                    var known = Interlocked.Exchange(ref _knownOutageOffsetMs, offset);
                    if (known >= 0 && offset > known)
                    {
                        Log.LeasesExtended(_logger, TimeSpan.FromMilliseconds(offset - known));
                    }
                }
                catch (RegistryStoreUnavailableException ex)
                {
                    // One failed heartbeat is a slow Redis, not an outage. Failing again and again over
                    // OutageWindow is: a Redis that froze, or a path that went dark without a reset,
                    // never drops the connection, so this is the only way such an outage gets measured.
                    // (A lost connection was declared already, by EvaluateAsync or ConnectionFailed.)
                    failures++;
                    var silent = _timeProvider.GetElapsedTime(lastSuccess);
                    if (failures >= 2 && silent >= OutageWindow)
                    {
                        DeclareOutage($"the heartbeat failed {failures} times in a row over {silent}: {ex.Message}", ex);
                    }
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

    /// <summary>How long the heartbeat must keep failing before this node calls it an outage.</summary>
    private TimeSpan OutageWindow => _options.OutageThreshold > _options.ClockInterval ? _options.OutageThreshold : _options.ClockInterval;
}
