using System.Diagnostics.Metrics;
using Introspection.Client.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Introspection.Client;

/// <summary>
/// Registers endpoints with registries and keeps them registered: the plain registration API (etcd's
/// <c>endpoints.NewManager</c>) for a worker service, a console app, or a sidecar registering on behalf of a
/// process that cannot. <see cref="AddEndpoint"/> returns an <see cref="InstanceLease"/> that renews itself
/// until <see cref="InstanceLease.DeleteAsync"/> (deregister) or disposal (the lease lapses). The hosted
/// provider (<c>AddIntrospectionProvider</c>) is built on it. Thread-safe.
/// </summary>
public sealed class IntrospectionRegistrar : IAsyncDisposable
{
    /// <summary>The meter the registrar records on: <c>Introspection.Registrar</c>.</summary>
    public const string MeterName = "Introspection.Registrar";

    private readonly IntrospectionRegistrarOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly RegistrarMetrics _metrics;
    private readonly IRandomSource _random;
    private readonly Lock _lock = new();
    private readonly HashSet<InstanceLease> _leases = [];
    private bool _disposed;

    /// <summary>Creates a registrar; nothing is registered until <see cref="AddEndpoint"/>.</summary>
    /// <param name="options">Registries and lease settings; validated here.</param>
    /// <param name="loggerFactory">Logging (category <c>Introspection.Client.IntrospectionRegistrar</c>). Default: none.</param>
    /// <param name="timeProvider">Clock for renewal intervals, deadlines and backoff. Default: <see cref="TimeProvider.System"/>.</param>
    /// <param name="meterFactory">Creates the <see cref="MeterName"/> meter. Default: a plain <see cref="Meter"/>.</param>
    /// <exception cref="OptionsValidationException"><paramref name="options"/> are invalid.</exception>
    public IntrospectionRegistrar(IntrospectionRegistrarOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, IMeterFactory? meterFactory = null)
        : this(options, loggerFactory, timeProvider, meterFactory, random: null)
    {
    }

    internal IntrospectionRegistrar(IntrospectionRegistrarOptions options, ILoggerFactory? loggerFactory, TimeProvider? timeProvider, IMeterFactory? meterFactory, IRandomSource? random)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new IntrospectionRegistrarOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(nameof(IntrospectionRegistrarOptions), typeof(IntrospectionRegistrarOptions), result.Failures);
        }

        _options = options;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<IntrospectionRegistrar>();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _random = random ?? SharedRandomSource.Instance;
        _metrics = new RegistrarMetrics(meterFactory, options.Observer);
    }

    /// <summary>
    /// Registers <paramref name="instance"/> with every configured registry in the background and keeps it
    /// registered. Returns at once; await <see cref="InstanceLease.Registered"/> (with a timeout) to know it is
    /// visible, and read <see cref="InstanceLease.Registries"/> for each registry's state.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="instance"/> breaks the wire contract (<see cref="Introspection.Protocol.WireContract"/>): the message names every field and limit.</exception>
    public InstanceLease AddEndpoint(InstanceRegistration instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        instance.Validate(nameof(instance));

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var lease = new InstanceLease(instance, CreateKeepers, _options.UnhealthyAfterFailures, Forget);
            _leases.Add(lease);
            return lease;
        }
    }

    /// <summary>Stops renewing every endpoint still added (without deregistering: the leases lapse).</summary>
    public async ValueTask DisposeAsync()
    {
        InstanceLease[] leases;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            leases = [.. _leases];
        }

        foreach (var lease in leases)
        {
            await lease.DisposeAsync().ConfigureAwait(false);
        }

        _metrics.Dispose();
    }

    private List<RegistryLeaseKeeper> CreateKeepers(Func<InstanceRegistration> instance)
    {
        // A connection per registry and per endpoint: each lease drops its channel after a failure, which must
        // not break another endpoint's stream to the same node.
        var keepers = new List<RegistryLeaseKeeper>();
        foreach (var entry in _options.Registries.Where(r => !string.IsNullOrWhiteSpace(r)))
        {
            // The connection's own failover log (Information, every move) stays off here: during an outage it
            // would repeat on every retry what the keeper logs once per state change (51, 52, 54), node included.
            var connection = new RegistryConnection([entry], ChannelDefaults(), _timeProvider, NullLoggerFactory.Instance);
            keepers.Add(new RegistryLeaseKeeper(entry.Trim(), connection, instance, _options, _metrics, _random, _timeProvider, _logger));
        }

        return keepers;
    }

    private RegistryChannelDefaults ChannelDefaults() => new()
    {
        SettingsPrefix = IntrospectionRegistrarOptions.SectionName + ":" + nameof(IntrospectionRegistrarOptions.Channel),
        CallTimeout = _options.RegistryCallTimeout,
        ConfigureHandler = handler =>
        {
            handler.ConnectTimeout = _options.RegistryCallTimeout;
            handler.EnableMultipleHttp2Connections = true;
            handler.PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan;
            // Pings notice a dead registry connection between two renewals.
            handler.KeepAlivePingDelay = TimeSpan.FromSeconds(20);
            handler.KeepAlivePingTimeout = TimeSpan.FromSeconds(10);
        },
        // No LoggerFactory on purpose: grpc-dotnet logs every failed call at Error, which during a registry
        // outage repeats what the registrar already logs once, at the right level (warning first, error at the
        // threshold).
        ChannelLoggerFactory = null,
        Hooks = _options.Channel ?? new RegistryChannelOptions(),
    };

    private void Forget(InstanceLease lease)
    {
        lock (_lock)
        {
            _leases.Remove(lease);
        }
    }
}
