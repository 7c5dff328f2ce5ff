using System.Diagnostics.Metrics;
using Introspection.Client;
using Introspection.Protocol.Metadata.V1;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Introspection.Provider.Internal;

/// <summary>
/// The instance lifecycle: registers once the server listens, keeps the leases alive, pushes new
/// revisions, and runs the graceful shutdown before the server stops. Registration, renewal and
/// deregistration are the client library's <see cref="IntrospectionRegistrar"/>; this class adds what
/// only a hosted provider does (startup timeout, exit after registry loss, health, drain).
/// </summary>
/// <remarks>
/// Shutdown runs in <see cref="StoppingAsync"/>: the host calls it before any hosted service's
/// StopAsync, so Kestrel is still accepting connections while the instance deregisters and drains.
/// </remarks>
internal sealed partial class ProviderLifecycle : IHostedLifecycleService, IDisposable, IAsyncDisposable
{
    private readonly ProviderMetadata _metadata;
    private readonly ProviderDrain _drain;
    private readonly ProviderMetrics _metrics;
    private readonly IMeterFactory _meterFactory;
    private readonly IOptionsMonitor<IntrospectionProviderOptions> _optionsMonitor;
    private readonly IServer _server;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<ProviderLifecycle> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _lock = new();
    private IntrospectionProviderOptions? _options;
    private CancellationTokenRegistration _startedRegistration;
    private Task _startup = Task.CompletedTask;
    private IntrospectionRegistrar? _registrar;
    private InstanceLease? _lease;
    private List<Task> _loops = [];
    private InstanceRegistration? _instance;
    private string _scheme = Introspection.Protocol.WireContract.SchemeHttp;
    private int _shutdownStarted;
    private int _disposed;
    private IDisposable? _optionsSubscription;

    public ProviderLifecycle(
        ProviderMetadata metadata,
        ProviderDrain drain,
        ProviderMetrics metrics,
        IMeterFactory meterFactory,
        IOptionsMonitor<IntrospectionProviderOptions> options,
        IServer server,
        IHostApplicationLifetime lifetime,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        _metadata = metadata;
        _drain = drain;
        _metrics = metrics;
        _meterFactory = meterFactory;
        _optionsMonitor = options;
        _server = server;
        _lifetime = lifetime;
        _timeProvider = timeProvider;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<ProviderLifecycle>();
    }

    /// <summary>The state the health check reports.</summary>
    internal ProviderState State { get; private set; } = ProviderState.Starting;

    internal IReadOnlyList<RegistryLeaseStatus> Registrations
    {
        get
        {
            lock (_lock)
            {
                return _lease?.Registries ?? [];
            }
        }
    }

    private InstanceLease? Lease
    {
        get
        {
            lock (_lock)
            {
                return _lease;
            }
        }
    }

    internal InstanceRegistration? Instance => Volatile.Read(ref _instance);

    internal int UnhealthyAfterFailures => (_options ?? _optionsMonitor.CurrentValue).UnhealthyAfterFailures;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Reading the options here surfaces validation errors at startup, not at the first call.
        _options = _optionsMonitor.CurrentValue;
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        // ApplicationStarted fires once every hosted service (Kestrel included) has started, so
        // the bound addresses are known. Registration runs in the background: a slow registry
        // must not hold up the host.
        _startedRegistration = _lifetime.ApplicationStarted.Register(() =>
        {
            lock (_lock)
            {
                _startup = Task.Run(() => StartupAsync(_stopping.Token));
            }
        });
        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => ShutdownAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => ShutdownAsync(cancellationToken);

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        if (BeginDispose() is { } registrar)
        {
            // Only a container disposed synchronously gets here; the renewal loops end promptly once cancelled.
            registrar.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        _stopping.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (BeginDispose() is { } registrar)
        {
            await registrar.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    /// <summary>Detaches everything; returns the registrar whose renewals still have to stop (without deregistering: shutdown did that when it ran).</summary>
    private IntrospectionRegistrar? BeginDispose()
    {
        // Resolved both as itself and as a hosted service, so the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return null;
        }

        _startedRegistration.Dispose();
        _stopping.Cancel();
        _metadata.Changed -= OnMetadataChanged;
        _optionsSubscription?.Dispose();
        lock (_lock)
        {
            return _registrar;
        }
    }

    private async Task StartupAsync(CancellationToken cancellationToken)
    {
        var options = _options ?? _optionsMonitor.CurrentValue;
        try
        {
            var addresses = _server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var (host, port) = InstanceAddress.Resolve(options, [.. addresses], InstanceAddress.FirstNonLoopback);
            _scheme = InstanceAddress.SchemeOf([.. addresses], port);
            var metadata = _metadata.Current;
            Volatile.Write(ref _instance, Snapshot(options, host, port, _scheme, metadata));
            _metadata.Changed += OnMetadataChanged;
            // Labels are not part of the metadata, so a labels-only reload changes no revision.
            _optionsSubscription = _optionsMonitor.OnChange((_, _) => OnMetadataChanged(_metadata.Current));

            var registries = options.Registries.Where(r => !string.IsNullOrWhiteSpace(r)).ToList();
            if (registries.Count == 0)
            {
                Log.NoRegistries(_logger, _metadata.App);
                State = ProviderState.Running;
                return;
            }

            var registrarOptions = new IntrospectionRegistrarOptions
            {
                LeaseTtl = options.LeaseTtl,
                RegistryCallTimeout = options.RegistryCallTimeout,
                UnhealthyAfterFailures = options.UnhealthyAfterFailures,
                ReconnectMaxDelay = options.ReconnectMaxDelay,
                Channel = options.RegistryChannel,
                // The provider's own instruments (introspection.provider.*) keep counting what they always did.
                Observer = _metrics,
            };
            foreach (var registry in registries)
            {
                registrarOptions.Registries.Add(registry);
            }

            IReadOnlyList<RegistryLeaseStatus> registrations;
            lock (_lock)
            {
                if (Volatile.Read(ref _shutdownStarted) != 0)
                {
                    return;
                }

                _registrar = new IntrospectionRegistrar(registrarOptions, _loggerFactory, _timeProvider, _meterFactory);
                // Read under the lock: a metadata change after this point goes through the lease.
                _lease = _registrar.AddEndpoint(Volatile.Read(ref _instance)!);
                registrations = _lease.Registries;
                if (options.ExitAfterRegistryLoss is { } limit)
                {
                    var since = _timeProvider.GetUtcNow();
                    _loops.Add(Task.Run(() => WatchRegistryLossAsync(registrations, since, limit, cancellationToken), CancellationToken.None));
                }
            }

            Log.Registering(_logger, _instance!.App, _instance.InstanceId, host, port, metadata.Revision, registrations.Count, options.StartupTimeout.TotalSeconds);
            try
            {
                await _lease.Registered.WaitAsync(options.StartupTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                var reasons = string.Join("; ", registrations.Select(r => $"{r.Registry}: {r.LastError ?? "no answer"}"));
                if (options.StopOnStartupFailure)
                {
                    Log.StartupFailedStopping(_logger, options.StartupTimeout.TotalSeconds, reasons);
                    await _stopping.CancelAsync().ConfigureAwait(false);
                    State = ProviderState.Failed;
                    Environment.ExitCode = 1;
                    _lifetime.StopApplication();
                }
                else
                {
                    Log.StartupFailedContinuing(_logger, options.StartupTimeout.TotalSeconds, reasons);
                }

                return;
            }

            State = ProviderState.Running;
            Log.Started(_logger, registrations.Count(r => r.IsRegistered), registrations.Count);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // Nothing to register with a wrong address: same rule as a registry that never answers.
            Log.StartupError(_logger, ex);
            if (options.StopOnStartupFailure)
            {
                State = ProviderState.Failed;
                Environment.ExitCode = 1;
                _lifetime.StopApplication();
            }
        }
    }

    /// <summary>
    /// Stops the host with exit code 1 once no registry has accepted a registration or renewal for
    /// <paramref name="limit"/> (<see cref="IntrospectionProviderOptions.ExitAfterRegistryLoss"/>).
    /// </summary>
    private async Task WatchRegistryLossAsync(IReadOnlyList<RegistryLeaseStatus> registrations, DateTimeOffset since, TimeSpan limit, CancellationToken cancellationToken)
    {
        // Fine enough to act within a tenth of the limit, coarse enough to cost nothing.
        var period = TimeSpan.FromTicks(Math.Clamp(limit.Ticks / 10, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(1).Ticks));
        try
        {
            while (true)
            {
                await Task.Delay(period, _timeProvider, cancellationToken).ConfigureAwait(false);
                var last = registrations.Select(r => r.LastAccepted ?? since).Append(since).Max();
                var lost = _timeProvider.GetUtcNow() - last;
                if (lost < limit)
                {
                    continue;
                }

                var reasons = string.Join("; ", registrations.Select(r => $"{r.Registry}: {r.LastError ?? "no answer"}"));
                Log.RegistryLossStopping(_logger, lost.TotalSeconds, limit.TotalSeconds, reasons);
                Environment.ExitCode = 1;
                _lifetime.StopApplication();
                return;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private void OnMetadataChanged(MetadataInfo metadata)
    {
        var instance = Volatile.Read(ref _instance);
        if (instance is null || Volatile.Read(ref _shutdownStarted) != 0)
        {
            return;
        }

        IntrospectionProviderOptions options;
        try
        {
            options = _optionsMonitor.CurrentValue;
        }
        catch (Exception ex)
        {
            // An invalid reload keeps the registered labels; the metadata refresh logs it too.
            Log.UpdateDeferred(_logger, "*", ex.Message);
            return;
        }

        Volatile.Write(ref _instance, instance with
        {
            Revision = metadata.Revision,
            Labels = Dubbo.DubboInstanceLabels.With(options, InstanceAddress.LabelsWithScheme(options.Labels, _scheme), instance.Port, metadata.Revision),
            Services = metadata.Services.Select(s => s.Name).Distinct(StringComparer.Ordinal).ToList(),
        });
        if (Lease is { } lease)
        {
            _ = PushAsync(lease, Volatile.Read(ref _instance)!);
        }
    }

    private async Task PushAsync(InstanceLease lease, InstanceRegistration instance)
    {
        try
        {
            // A registry that fails now gets the change after its next renewal (the registrar logs that).
            await lease.UpdateAsync(instance, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException)
        {
            // Shut down meanwhile.
        }
    }

    private static InstanceRegistration Snapshot(IntrospectionProviderOptions options, string host, int port, string scheme, MetadataInfo metadata) => new()
    {
        Namespace = options.Namespace,
        App = metadata.App,
        InstanceId = options.InstanceId is { Length: > 0 } id ? id : $"{host}:{port}",
        Host = host,
        Port = port,
        Revision = metadata.Revision,
        Labels = Dubbo.DubboInstanceLabels.With(options, InstanceAddress.LabelsWithScheme(options.Labels, scheme), port, metadata.Revision),
        Services = metadata.Services.Select(s => s.Name).Distinct(StringComparer.Ordinal).ToList(),
    };
}
