using Introspection.Protocol.Metadata.V1;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Introspection.Provider.Internal;

/// <summary>
/// The instance lifecycle: registers once the server listens, keeps the leases alive, pushes new
/// revisions, and runs the graceful shutdown before the server stops.
/// </summary>
/// <remarks>
/// Shutdown runs in <see cref="StoppingAsync"/>: the host calls it before any hosted service's
/// StopAsync, so Kestrel is still accepting connections while the instance deregisters and drains.
/// </remarks>
internal sealed partial class ProviderLifecycle : IHostedLifecycleService, IDisposable
{
    private readonly ProviderMetadata _metadata;
    private readonly ProviderDrain _drain;
    private readonly ProviderMetrics _metrics;
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
    private List<RegistryRegistration> _registrations = [];
    private List<Task> _loops = [];
    private InstanceRegistration? _instance;
    private int _shutdownStarted;
    private int _disposed;
    private IDisposable? _optionsSubscription;

    public ProviderLifecycle(
        ProviderMetadata metadata,
        ProviderDrain drain,
        ProviderMetrics metrics,
        IOptionsMonitor<IntrospectionProviderOptions> options,
        IServer server,
        IHostApplicationLifetime lifetime,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        _metadata = metadata;
        _drain = drain;
        _metrics = metrics;
        _optionsMonitor = options;
        _server = server;
        _lifetime = lifetime;
        _timeProvider = timeProvider;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<ProviderLifecycle>();
    }

    /// <summary>The state the health check reports.</summary>
    internal ProviderState State { get; private set; } = ProviderState.Starting;

    internal IReadOnlyList<RegistryRegistration> Registrations
    {
        get
        {
            lock (_lock)
            {
                return _registrations;
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
        // Resolved both as itself and as a hosted service, so the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _startedRegistration.Dispose();
        _stopping.Cancel();
        _metadata.Changed -= OnMetadataChanged;
        _optionsSubscription?.Dispose();
        foreach (var registration in Registrations)
        {
            registration.Dispose();
        }

        _stopping.Dispose();
    }

    private async Task StartupAsync(CancellationToken cancellationToken)
    {
        var options = _options ?? _optionsMonitor.CurrentValue;
        try
        {
            var addresses = _server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var (host, port) = InstanceAddress.Resolve(options, [.. addresses], InstanceAddress.FirstNonLoopback);
            var metadata = _metadata.Current;
            Volatile.Write(ref _instance, Snapshot(options, host, port, metadata));
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

            var registrations = registries
                .Select(r => new RegistryRegistration(r.Trim(), ParseAddresses(r), () => Volatile.Read(ref _instance)!, options, _metrics, _timeProvider, _loggerFactory))
                .ToList();
            lock (_lock)
            {
                _registrations = registrations;
                _loops = registrations.Select(r => Task.Run(() => r.RunAsync(cancellationToken), CancellationToken.None)).ToList();
                if (options.ExitAfterRegistryLoss is { } limit)
                {
                    var since = _timeProvider.GetTimestamp();
                    _loops.Add(Task.Run(() => WatchRegistryLossAsync(registrations, since, limit, cancellationToken), CancellationToken.None));
                }
            }

            Log.Registering(_logger, _instance!.App, _instance.InstanceId, host, port, metadata.Revision, registrations.Count, options.StartupTimeout.TotalSeconds);
            try
            {
                await Task.WhenAny(registrations.Select(r => r.FirstRegistered))
                    .WaitAsync(options.StartupTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                var reasons = string.Join("; ", registrations.Select(r => $"{r.Name}: {r.LastError ?? "no answer"}"));
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
    private async Task WatchRegistryLossAsync(IReadOnlyList<RegistryRegistration> registrations, long since, TimeSpan limit, CancellationToken cancellationToken)
    {
        // Fine enough to act within a tenth of the limit, coarse enough to cost nothing.
        var period = TimeSpan.FromTicks(Math.Clamp(limit.Ticks / 10, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(1).Ticks));
        try
        {
            while (true)
            {
                await Task.Delay(period, _timeProvider, cancellationToken).ConfigureAwait(false);
                var last = Math.Max(since, registrations.Max(r => r.LastAccepted));
                var lost = _timeProvider.GetElapsedTime(last);
                if (lost < limit)
                {
                    continue;
                }

                var reasons = string.Join("; ", registrations.Select(r => $"{r.Name}: {r.LastError ?? "no answer"}"));
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
            Labels = new Dictionary<string, string>(options.Labels, StringComparer.Ordinal),
            Services = metadata.Services.Select(s => s.Name).Distinct(StringComparer.Ordinal).ToList(),
        });
        foreach (var registration in Registrations)
        {
            _ = PushAsync(registration);
        }
    }

    private async Task PushAsync(RegistryRegistration registration)
    {
        try
        {
            await registration.UpdateAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // The keep-alive loop pushes it again once the registry answers.
            Log.UpdateDeferred(_logger, registration.Name, ex.Message);
        }
    }

    private InstanceRegistration Snapshot(IntrospectionProviderOptions options, string host, int port, MetadataInfo metadata) => new(
        options.Namespace,
        metadata.App,
        options.InstanceId is { Length: > 0 } id ? id : $"{host}:{port}",
        host,
        port,
        metadata.Revision,
        new Dictionary<string, string>(options.Labels, StringComparer.Ordinal),
        metadata.Services.Select(s => s.Name).Distinct(StringComparer.Ordinal).ToList());

    internal static List<Uri> ParseAddresses(string registry) =>
        registry.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(a => new Uri(a, UriKind.Absolute))
            .ToList();
}
