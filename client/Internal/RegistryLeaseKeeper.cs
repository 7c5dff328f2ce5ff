using Grpc.Core;
using Introspection.Protocol.Registry.V1;
using Microsoft.Extensions.Logging;

namespace Introspection.Client.Internal;

/// <summary>
/// One endpoint's registration with one registry (one entry of
/// <see cref="IntrospectionRegistrarOptions.Registries"/>): its lease, the keep-alive stream that
/// renews it, and the calls that update or remove it. Several addresses of one registry share the
/// lease and are tried in turn (the <see cref="RegistryConnection"/> fails over between them).
/// </summary>
internal sealed partial class RegistryLeaseKeeper : IDisposable
{
    /// <summary>First reconnect delay; the backoff doubles from here up to the cap.</summary>
    private static readonly TimeSpan InitialReconnectDelay = TimeSpan.FromMilliseconds(100);

    private readonly RegistryConnection _connection;
    private readonly Func<InstanceRegistration> _instance;
    private readonly IntrospectionRegistrarOptions _options;
    private readonly RegistrarMetrics _metrics;
    private readonly IRandomSource _random;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    // Serialises Register / UpdateInstance / Deregister: a renewal that lost its lease must not
    // re-register while a shutdown deregisters, and updates must not race a registration.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TaskCompletionSource _firstRegistered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _leaseId;
    private long _grantedTtlMs;
    private int _consecutiveFailures;
    private int _attempt;
    private bool _mappingPending;
    private string? _registeredRevision;
    private string? _registeredLabels;
    private volatile string? _lastError;
    private long _lastAccepted;

    public RegistryLeaseKeeper(
        string name,
        RegistryConnection connection,
        Func<InstanceRegistration> instance,
        IntrospectionRegistrarOptions options,
        RegistrarMetrics metrics,
        IRandomSource random,
        TimeProvider timeProvider,
        ILogger logger)
    {
        Name = name;
        _connection = connection;
        _instance = instance;
        _options = options;
        _metrics = metrics;
        _random = random;
        _timeProvider = timeProvider;
        _logger = logger;
        _grantedTtlMs = (long)options.LeaseTtl.TotalMilliseconds;
    }

    /// <summary>The registry as configured (its address list).</summary>
    public string Name { get; }

    public bool IsRegistered => Interlocked.Read(ref _leaseId) != 0;

    public int ConsecutiveFailures => Volatile.Read(ref _consecutiveFailures);

    public string? LastError => _lastError;

    /// <summary>When (on the injected clock) the registry last accepted a registration or renewal; null before the first.</summary>
    public DateTimeOffset? LastAccepted => Interlocked.Read(ref _lastAccepted) is var ticks and not 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>The node addresses of this registry.</summary>
    public RegistryConnection Connection => _connection;

    /// <summary>Completes at the first successful registration.</summary>
    public Task FirstRegistered => _firstRegistered.Task;

    /// <summary>Every third of the granted TTL (etcd's habit): two renewals may fail before the lease lapses.</summary>
    public TimeSpan RenewInterval => TimeSpan.FromMilliseconds(Math.Max(Interlocked.Read(ref _grantedTtlMs) / 3, 50));

    /// <summary>The lease id the registry granted; 0 while not registered.</summary>
    public long LeaseId => Interlocked.Read(ref _leaseId);

    private Uri CurrentAddress => _connection.CurrentAddress;

    /// <summary>Registers, then renews on one KeepAlive stream until cancelled; reconnects and re-registers as needed.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Backoff? backoff = null;
        var backoffCap = TimeSpan.Zero;
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
                var failed = _connection.CurrentIndex;
                _connection.ResetChannel(failed);
                _connection.MarkFailed(failed);
                var attempt = Interlocked.Increment(ref _attempt);
                // Capped at half the renewal interval: once a restarted registry answers, this
                // instance is back in it within one renewal interval.
                var cap = TimeSpan.FromTicks(Math.Min(_options.ReconnectMaxDelay.Ticks, RenewInterval.Ticks / 2));
                if (backoff is null || attempt == 1 || cap != backoffCap)
                {
                    // A fresh series after a success (attempt 1) or when the granted TTL moved the cap.
                    // A cap below the usual first delay starts there, so the cap holds from attempt 1.
                    backoffCap = cap;
                    backoff = new Backoff(TimeSpan.FromTicks(Math.Min(InitialReconnectDelay.Ticks, cap.Ticks)), cap, _random);
                    for (var i = 1; i < attempt; i++)
                    {
                        backoff.Next();
                    }
                }

                var delay = backoff.Next();
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

    /// <summary>
    /// <see cref="UpdateAsync"/> that does not throw on a registry failure: the keep-alive loop pushes the
    /// change once the registry answers again, so the failure is only logged.
    /// </summary>
    public async Task PushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await UpdateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            Log.UpdateDeferred(_logger, Name, Describe(ex));
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
            for (var i = 0; i < _connection.Count; i++)
            {
                var (client, index, address) = _connection.Current();
                try
                {
                    await client.DeregisterAsync(
                        new DeregisterRequest { Namespace = instance.Namespace, App = instance.App, InstanceId = instance.InstanceId },
                        deadline: _connection.Deadline(),
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
                    _connection.MarkFailed(index);
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
        _connection.Dispose();
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

    /// <summary>Caller holds <see cref="_gate"/>. <paramref name="leaseLost"/>: again, after the registry answered NOT_FOUND for the lease.</summary>
    private async Task RegisterCoreAsync(CancellationToken cancellationToken, bool leaseLost = false)
    {
        using var activity = RegistrationTelemetry.Start(_instance(), Name, leaseLost);
        var started = _timeProvider.GetTimestamp();
        try
        {
            await RegisterOnceAsync(leaseLost, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            RegistrationTelemetry.Failed(activity, ex);
            _metrics.RegistrationCompleted(Name, leaseLost, succeeded: false, _timeProvider.GetElapsedTime(started));
            throw;
        }

        _metrics.RegistrationCompleted(Name, leaseLost, succeeded: true, _timeProvider.GetElapsedTime(started));
    }

    private async Task RegisterOnceAsync(bool leaseLost, CancellationToken cancellationToken)
    {
        var instance = _instance();
        var (client, _, address) = _connection.Current();
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

        RegistrationTelemetry.Sending(address);
        var response = await client.RegisterAsync(request, deadline: _connection.Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
        RegistrationTelemetry.Granted(response.TtlMs);
        Interlocked.Exchange(ref _grantedTtlMs, Math.Max(response.TtlMs, 1));
        Interlocked.Exchange(ref _leaseId, response.LeaseId);
        _registeredRevision = instance.Revision;
        _registeredLabels = instance.LabelsKey;
        // A registry that lost our lease (restart) lost our mapping as well.
        _mappingPending = true;
        _metrics.Registered(Name, leaseLost);
        Log.Registered(_logger, Name, address, instance.App, instance.InstanceId, instance.Host, instance.Port, instance.Revision, response.LeaseId, response.TtlMs);
        RecordSuccess();
        try
        {
            // The first MapService goes before Registered completes, so a consumer started after this
            // provider's startup finds it by service too; a failed one does not hold startup back (it is
            // retried after the next renewal).
            await SyncCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _firstRegistered.TrySetResult();
        }
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
        var client = _connection.Current().Client;
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
                await client.UpdateInstanceAsync(request, deadline: _connection.Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
            {
                Interlocked.Exchange(ref _leaseId, 0);
                await RegisterCoreAsync(cancellationToken, leaseLost: true).ConfigureAwait(false);
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
                await client.MapServiceAsync(mapping, deadline: _connection.Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
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
        Interlocked.Exchange(ref _lastAccepted, _timeProvider.GetUtcNow().UtcTicks);
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
}
