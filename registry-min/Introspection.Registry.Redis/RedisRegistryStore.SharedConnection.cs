using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Introspection.Registry.Stores.Redis;

// The application's own multiplexer (as .NET Aspire's Redis integration registers one), used instead of a connection
// of the store's own. Ownership: a multiplexer from DI belongs to the application; the store never disposes it, and on
// disposal only detaches what it attached (its event handlers and its change-feed subscription).
internal sealed partial class RedisRegistryStore
{
    private readonly IConnectionMultiplexer? _shared;

    // How often OnChanged was added to the channel: the heartbeat and the first watcher may both subscribe before
    // either marks the store subscribed, and each SubscribeAsync adds the handler once more.
    private int _handlerSubscriptions;

    /// <summary>True when the store runs on the application's multiplexer.</summary>
    internal bool UsesSharedConnection => _shared is not null;

    /// <summary>
    /// The multiplexer to use from DI, or null to connect with <see cref="RegistryRedisOptions.Configuration"/>. An
    /// explicit configuration string wins; then the keyed multiplexer named by
    /// <see cref="RegistryRedisOptions.ConnectionServiceKey"/>; then the application's one unkeyed multiplexer, if any.
    /// </summary>
    internal static IConnectionMultiplexer? SharedConnectionFrom(IServiceProvider services, RegistryRedisOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.Configuration))
        {
            return null;
        }

        return options.ConnectionServiceKey is { Length: > 0 } key
            ? services.GetRequiredKeyedService<IConnectionMultiplexer>(key)
            : services.GetService<IConnectionMultiplexer>();
    }

    /// <summary>Detaches from <paramref name="connection"/>; returns it when the store owns it (the caller disposes it), else null.</summary>
    private IConnectionMultiplexer? ReleaseConnection(IConnectionMultiplexer? connection)
    {
        if (connection is null)
        {
            return null;
        }

        connection.ConnectionFailed -= OnConnectionFailed;
        connection.ConnectionRestored -= OnConnectionRestored;
        if (!ReferenceEquals(connection, _shared))
        {
            return connection;
        }

        try
        {
            // Only this store's handler: the application may subscribe to other channels on the same multiplexer.
            var subscriber = connection.GetSubscriber();
            for (var i = Interlocked.Exchange(ref _handlerSubscriptions, 0); i > 0; i--)
            {
                subscriber.Unsubscribe(_changesChannel, OnChanged, CommandFlags.FireAndForget);
            }
        }
        catch (Exception ex) when (ex is RedisException or ObjectDisposedException)
        {
            // The application disposed its multiplexer first: nothing left to detach from.
        }

        return null;
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        Log.ConnectionFailed(_logger, e.EndPoint?.ToString(), e.FailureType, e.Exception);
        DeclareOutage($"connection to {e.EndPoint} failed ({e.FailureType})", e.Exception);
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => Log.ConnectionRestored(_logger, e.EndPoint?.ToString());

    private static partial class Log
    {
        [LoggerMessage(420, LogLevel.Information, "Redis store using the application's Redis connection ({ClientName}) from DI with key prefix {Prefix}; it stays the application's (not disposed by the store).")]
        public static partial void UsingSharedConnection(ILogger logger, string clientName, string prefix);
    }
}
