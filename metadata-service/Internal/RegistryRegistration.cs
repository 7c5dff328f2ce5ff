using Grpc.Core;
using Grpc.Net.Client;
using Introspection.Protocol.Registry.V1;
using Microsoft.Extensions.Logging;

namespace Introspection.Provider.Internal;

/// <summary>
/// This instance's registration with one registry (one entry of
/// <see cref="IntrospectionProviderOptions.Registries"/>): its lease, the keep-alive stream that
/// renews it, and the calls that update or remove it. Several addresses of one registry share the
/// lease and are tried in turn.
/// </summary>
internal sealed partial class RegistryRegistration : IDisposable
{
    private readonly Uri[] _addresses;
    private readonly GrpcChannel?[] _channels;
    private readonly Func<InstanceRegistration> _instance;
    private readonly IntrospectionProviderOptions _options;
    private readonly ProviderMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    // Serialises Register / UpdateInstance / Deregister: a renewal that lost its lease must not
    // re-register while a shutdown deregisters, and updates must not race a registration.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TaskCompletionSource _firstRegistered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _addressIndex;
    private long _leaseId;
    private long _grantedTtlMs;
    private int _consecutiveFailures;
    private int _attempt;
    private bool _mappingPending;
    private string? _registeredRevision;
    private string? _registeredLabels;
    private volatile string? _lastError;
    private long _lastAccepted;

    public RegistryRegistration(
        string name,
        IReadOnlyList<Uri> addresses,
        Func<InstanceRegistration> instance,
        IntrospectionProviderOptions options,
        ProviderMetrics metrics,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        Name = name;
        _addresses = [.. addresses];
        _channels = new GrpcChannel?[_addresses.Length];
        _instance = instance;
        _options = options;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger<RegistryRegistration>();
        _grantedTtlMs = (long)options.LeaseTtl.TotalMilliseconds;
    }

    /// <summary>The registry as configured (its address list).</summary>
    public string Name { get; }

    public bool IsRegistered => Interlocked.Read(ref _leaseId) != 0;

    public int ConsecutiveFailures => Volatile.Read(ref _consecutiveFailures);

    public string? LastError => _lastError;

    /// <summary><see cref="TimeProvider.GetTimestamp"/> of the last registration or renewal the registry accepted; 0 before the first.</summary>
    public long LastAccepted => Interlocked.Read(ref _lastAccepted);

    /// <summary>Completes at the first successful registration.</summary>
    public Task FirstRegistered => _firstRegistered.Task;

    /// <summary>Every third of the granted TTL (etcd's habit): two renewals may fail before the lease lapses.</summary>
    public TimeSpan RenewInterval => TimeSpan.FromMilliseconds(Math.Max(Interlocked.Read(ref _grantedTtlMs) / 3, 50));

    private Uri CurrentAddress => _addresses[Volatile.Read(ref _addressIndex) % _addresses.Length];

    /// <summary>Registers, then renews on one KeepAlive stream until cancelled; reconnects and re-registers as needed.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (!IsRegistered)
                {
                    await RegisterAsync(cancellationToken).ConfigureAwait(false);
                }

                await KeepAliveAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                RecordFailure(ex);
                ResetChannel(CurrentAddress);
                RotateAddress();
                var attempt = Interlocked.Increment(ref _attempt);
                // Capped at half the renewal interval: once a restarted registry answers, this
                // instance is back in it within one renewal interval.
                var cap = TimeSpan.FromTicks(Math.Min(_options.ReconnectMaxDelay.Ticks, RenewInterval.Ticks / 2));
                var delay = Backoff.Delay(attempt, cap);
                Log.Reconnecting(_logger, Name, CurrentAddress, delay.TotalMilliseconds, attempt);
                try
                {
                    await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Pushes the current revision, labels and service mapping (after a metadata change).</summary>
    public async Task UpdateAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await SyncCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Removes the instance from this registry. Returns true when it was registered and now is not.</summary>
    public async Task<bool> DeregisterAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!IsRegistered)
            {
                return false;
            }

            var instance = _instance();
            Exception? last = null;
            for (var i = 0; i < _addresses.Length; i++)
            {
                var address = CurrentAddress;
                try
                {
                    await Client(address).DeregisterAsync(
                        new DeregisterRequest { Namespace = instance.Namespace, App = instance.App, InstanceId = instance.InstanceId },
                        deadline: Deadline(),
                        cancellationToken: cancellationToken).ConfigureAwait(false);
                    Interlocked.Exchange(ref _leaseId, 0);
                    Log.Deregistered(_logger, Name, address, instance.App, instance.InstanceId);
                    return true;
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
                {
                    // Already gone (lease lapsed, or a restarted registry never had it): the goal holds.
                    Interlocked.Exchange(ref _leaseId, 0);
                    Log.Deregistered(_logger, Name, address, instance.App, instance.InstanceId);
                    return true;
                }
                catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    last = ex;
                    RotateAddress();
                }
            }

            Log.DeregisterFailed(_logger, Name, last);
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel?.Dispose();
        }

        _gate.Dispose();
    }

    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!IsRegistered)
            {
                await RegisterCoreAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Caller holds <see cref="_gate"/>.</summary>
    private async Task RegisterCoreAsync(CancellationToken cancellationToken)
    {
        var instance = _instance();
        var address = CurrentAddress;
        var request = new RegisterRequest
        {
            Namespace = instance.Namespace,
            TtlMs = (long)_options.LeaseTtl.TotalMilliseconds,
            Instance = new Instance
            {
                App = instance.App,
                InstanceId = instance.InstanceId,
                Host = instance.Host,
                Port = instance.Port,
                Revision = instance.Revision,
            },
        };
        foreach (var (key, value) in instance.Labels)
        {
            request.Instance.Labels[key] = value;
        }

        var response = await Client(address).RegisterAsync(request, deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref _grantedTtlMs, Math.Max(response.TtlMs, 1));
        Interlocked.Exchange(ref _leaseId, response.LeaseId);
        _registeredRevision = instance.Revision;
        _registeredLabels = instance.LabelsKey;
        // A registry that lost our lease (restart) lost our mapping as well.
        _mappingPending = true;
        _metrics.Registered(Name);
        Log.Registered(_logger, Name, address, instance.App, instance.InstanceId, instance.Host, instance.Port, instance.Revision, response.LeaseId, response.TtlMs);
        RecordSuccess();
        // Registered is what startup waits for; a failed MapService is retried after the next renewal.
        _firstRegistered.TrySetResult();
        await SyncCoreAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Brings the registry up to date with the current snapshot. Caller holds <see cref="_gate"/>.</summary>
    private async Task SyncCoreAsync(CancellationToken cancellationToken)
    {
        if (!IsRegistered)
        {
            // The next registration carries the current snapshot.
            return;
        }

        var instance = _instance();
        var client = Client(CurrentAddress);
        if (!string.Equals(_registeredRevision, instance.Revision, StringComparison.Ordinal) ||
            !string.Equals(_registeredLabels, instance.LabelsKey, StringComparison.Ordinal))
        {
            var request = new UpdateInstanceRequest
            {
                Namespace = instance.Namespace,
                App = instance.App,
                InstanceId = instance.InstanceId,
                Revision = instance.Revision,
                SetLabels = true,
            };
            foreach (var (key, value) in instance.Labels)
            {
                request.Labels[key] = value;
            }

            try
            {
                await client.UpdateInstanceAsync(request, deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
            {
                Interlocked.Exchange(ref _leaseId, 0);
                await RegisterCoreAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            Log.RevisionUpdated(_logger, Name, _registeredRevision ?? "", instance.Revision);
            _registeredRevision = instance.Revision;
            _registeredLabels = instance.LabelsKey;
            _mappingPending = true;
        }

        if (_mappingPending)
        {
            if (instance.Services.Count > 0)
            {
                var mapping = new MapServiceRequest { Namespace = instance.Namespace, App = instance.App };
                mapping.Services.Add(instance.Services);
                await client.MapServiceAsync(mapping, deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
                Log.ServicesMapped(_logger, Name, instance.App, instance.Services.Count);
            }

            _mappingPending = false;
        }
    }

    private bool NeedsSync()
    {
        var instance = _instance();
        return _mappingPending ||
            !string.Equals(_registeredRevision, instance.Revision, StringComparison.Ordinal) ||
            !string.Equals(_registeredLabels, instance.LabelsKey, StringComparison.Ordinal);
    }

    private void RecordSuccess()
    {
        Interlocked.Exchange(ref _lastAccepted, _timeProvider.GetTimestamp());
        Interlocked.Exchange(ref _attempt, 0);
        var failures = Interlocked.Exchange(ref _consecutiveFailures, 0);
        if (failures > 0)
        {
            Log.Recovered(_logger, Name, failures);
        }

        _lastError = null;
    }

    private void RecordFailure(Exception exception)
    {
        var failures = Interlocked.Increment(ref _consecutiveFailures);
        _lastError = $"{CurrentAddress}: {Describe(exception)}";
        _metrics.RenewalFailed(Name);
        if (failures == 1)
        {
            Log.FirstFailure(_logger, Name, CurrentAddress, Describe(exception));
        }
        else if (failures == _options.UnhealthyAfterFailures)
        {
            Log.FailureThreshold(_logger, Name, failures, Describe(exception), exception);
        }
        else
        {
            Log.RepeatedFailure(_logger, Name, failures, Describe(exception));
        }
    }

    private static string Describe(Exception exception) => exception switch
    {
        RpcException rpc => $"{rpc.StatusCode}: {rpc.Status.Detail.TrimEnd('.')}",
        _ => exception.Message.TrimEnd('.'),
    };

    private void RotateAddress()
    {
        if (_addresses.Length > 1)
        {
            Interlocked.Increment(ref _addressIndex);
        }
    }

    /// <summary>
    /// Drops the channel to <paramref name="address"/> so the next attempt dials afresh: a
    /// GrpcChannel backs off its own reconnects (1 s and growing, up to minutes), which would
    /// hide a restarted registry far longer than this class's backoff; a new channel also
    /// resolves a DNS name again.
    /// </summary>
    private void ResetChannel(Uri address)
    {
        var index = Array.IndexOf(_addresses, address);
        Interlocked.Exchange(ref _channels[index], null)?.Dispose();
    }

    private DateTime Deadline() => DateTime.UtcNow + _options.RegistryCallTimeout;

    private Registry.RegistryClient Client(Uri address)
    {
        var index = Array.IndexOf(_addresses, address);
        var channel = _channels[index];
        if (channel is null)
        {
            channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler
                {
                    ConnectTimeout = _options.RegistryCallTimeout,
                    EnableMultipleHttp2Connections = true,
                    PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                    // Pings notice a dead registry connection between two renewals.
                    KeepAlivePingDelay = TimeSpan.FromSeconds(20),
                    KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
                },
                // No LoggerFactory on purpose: grpc-dotnet logs every failed call at Error, which
                // during a registry outage repeats what this class already logs once, at the
                // right level (warning first, error at the threshold).
            });
            var existing = Interlocked.CompareExchange(ref _channels[index], channel, null);
            if (existing is not null)
            {
                channel.Dispose();
                channel = existing;
            }
        }

        return new Registry.RegistryClient(channel);
    }
}
