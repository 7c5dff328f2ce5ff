using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Grpc.Core;
using Introspection.Client.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Introspection.Client;

/// <summary>
/// The discovery client: one per process (a DI singleton). It resolves gRPC service names to the instances that
/// expose them — service → apps (registry mapping, or pinned) → instances (one multiplexed registry Watch
/// stream) → metadata (fetched once per distinct revision, verified, cached) → endpoints — and keeps serving its
/// last view when the registry is unreachable.
/// </summary>
public sealed partial class IntrospectionClient : IAsyncDisposable, IDisposable
{
    private readonly IntrospectionClientOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly IRandomSource _random;
    private readonly IntrospectionClientMetrics _metrics;
    private readonly RegistryConnection? _registry;
    private readonly MetadataCache _metadata;
    private readonly GrpcMetadataFetcher? _ownedFetcher;
    private readonly ViewSnapshotStore? _snapshotStore;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Channel<bool> _recompute = Channel.CreateUnbounded<bool>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<ServiceTarget, TargetState> _targets = new();

    // Everything below is guarded by _gate.
    private readonly Dictionary<string, AppState> _apps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _mappings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ServiceLookup> _lookups = new(StringComparer.Ordinal);
    private readonly HashSet<string> _wantedApps = new(StringComparer.Ordinal);
    private TaskCompletionSource _wantedAppsChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WatchStream? _activeStream;
    private bool _mappingsComplete;
    private string? _registryFailure;

    private int _started;
    private int _disposed;
    private Task _watchTask = Task.CompletedTask;
    private Task _pumpTask = Task.CompletedTask;

    /// <summary>Creates a client. Prefer <c>services.AddIntrospectionClient()</c>, which creates the one per process.</summary>
    public IntrospectionClient(
        IOptions<IntrospectionClientOptions> options,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        IMeterFactory? meterFactory = null)
        : this(options?.Value!, loggerFactory ?? NullLoggerFactory.Instance, timeProvider ?? TimeProvider.System, meterFactory, fetcher: null, random: null)
    {
    }

    internal IntrospectionClient(
        IntrospectionClientOptions options,
        ILoggerFactory loggerFactory,
        TimeProvider timeProvider,
        IMeterFactory? meterFactory,
        IMetadataFetcher? fetcher,
        IRandomSource? random)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = IntrospectionClientOptionsValidator.Check(options);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(nameof(IntrospectionClientOptions), typeof(IntrospectionClientOptions), errors);
        }

        _options = options;
        _logger = loggerFactory.CreateLogger<IntrospectionClient>();
        _timeProvider = timeProvider;
        _random = random ?? SharedRandomSource.Instance;
        _metrics = new IntrospectionClientMetrics(meterFactory);
        if (options.Registries.Count > 0)
        {
            _registry = new RegistryConnection(options.Registries, RegistryConnection.ClientDefaults(options.RegistryCallTimeout, options.RegistryKeepAlive, options.RegistryMaxReceiveMessageSize, loggerFactory), timeProvider, loggerFactory);
        }

        if (fetcher is null)
        {
            _ownedFetcher = new GrpcMetadataFetcher(options.MetadataFetchTimeout, options.UseTls, loggerFactory);
            fetcher = _ownedFetcher;
        }

        _metadata = new MetadataCache(
            fetcher,
            GetFetchCandidates,
            options.MetadataCacheSizeLimit,
            options.MetadataRetryInitialBackoff,
            options.MetadataRetryMaxBackoff,
            _random,
            timeProvider,
            _metrics,
            loggerFactory.CreateLogger<MetadataCache>());
        _metadata.Changed += OnMetadataChanged;

        if (options.EnableSnapshot)
        {
            _snapshotStore = new ViewSnapshotStore(options.SnapshotPath ?? DefaultSnapshotPath(options.Namespace), loggerFactory.CreateLogger<ViewSnapshotStore>());
        }
    }

    /// <summary>The file the view is saved to, or null when snapshots are disabled.</summary>
    public string? SnapshotPath => _snapshotStore?.Path;

    internal IntrospectionClientMetrics Metrics => _metrics;

    internal MetadataCache MetadataCache => _metadata;

    /// <summary>
    /// Starts the client: reads the disk snapshot (if any) and starts watching the registry. Idempotent; called by
    /// the hosted service, or on first use.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        EnsureStarted();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Resolves <paramref name="target"/> to the instances exposing it. The first call for a target waits (up to
    /// <see cref="IntrospectionClientOptions.ResolveTimeout"/>) for the registry and metadata; later calls answer
    /// from memory.
    /// </summary>
    /// <exception cref="RpcException">UNAVAILABLE when no instance exposes the service; see <see cref="IntrospectionErrors"/>.</exception>
    public ValueTask<IReadOnlyList<InstanceEndpoint>> ResolveAsync(ServiceTarget target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var state = GetOrAddTarget(target);
        if (state.Current is { } current)
        {
            return new ValueTask<IReadOnlyList<InstanceEndpoint>>(Unwrap(current));
        }

        return WaitForFirstAsync(state, cancellationToken);

        static async ValueTask<IReadOnlyList<InstanceEndpoint>> WaitForFirstAsync(TargetState state, CancellationToken cancellationToken)
        {
            var resolution = await state.FirstResult.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return Unwrap(state.Current ?? resolution);
        }
    }

    /// <summary>Resolves a service by name (any group, any version, every app providing it).</summary>
    public ValueTask<IReadOnlyList<InstanceEndpoint>> ResolveAsync(string service, CancellationToken cancellationToken = default) =>
        ResolveAsync(new ServiceTarget(service), cancellationToken);

    /// <summary>
    /// Calls <paramref name="onChange"/> with the current resolution of <paramref name="target"/> as soon as it is
    /// settled, then after every change, in order, never concurrently. Dispose the result to stop.
    /// </summary>
    public IDisposable Subscribe(ServiceTarget target, Action<ServiceResolution> onChange)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(onChange);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var state = GetOrAddTarget(target);
        var subscription = new Subscription(state, onChange, RemoveSubscription);
        lock (_gate)
        {
            state.Subscriptions.Add(subscription);
            state.NewSubscriptions.Add(subscription);
        }

        RequestRecompute();
        return subscription;
    }

    /// <summary>Asks for the view to be re-evaluated (the gRPC resolver calls this when the channel asks for a refresh).</summary>
    public void Refresh() => RequestRecompute();

    private static IReadOnlyList<InstanceEndpoint> Unwrap(ServiceResolution resolution) =>
        resolution.Status.StatusCode == StatusCode.OK ? resolution.Endpoints : throw IntrospectionErrors.ToException(resolution.Status);

    private void EnsureStarted()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            return;
        }

        LoadSnapshot();
        var token = _stopping.Token;
        _pumpTask = Task.Run(() => RunPumpAsync(token));
        if (_registry is not null)
        {
            _watchTask = Task.Run(() => RunWatchAsync(token));
        }

        Log.Started(_logger, _options.Registries.Count, _options.Namespace, SnapshotPath ?? "(disabled)");
    }

    private TargetState GetOrAddTarget(ServiceTarget target)
    {
        if (_targets.TryGetValue(target, out var existing))
        {
            return existing;
        }

        EnsureStarted();
        var created = new TargetState(target);
        var state = _targets.GetOrAdd(target, created);
        if (!ReferenceEquals(state, created))
        {
            return state;
        }

        if (_options.StaticEndpoints.TryGetValue(target.Service, out var pinned))
        {
            state.Static = ParseStaticEndpoints(pinned);
            Log.StaticEndpointsUsed(_logger, target.Service, pinned);
        }
        else
        {
            StartDiscovery(target);
            state.Timer = _timeProvider.CreateTimer(
                static s =>
                {
                    var (client, targetState) = ((IntrospectionClient, TargetState))s!;
                    targetState.TimedOut = true;
                    client.RequestRecompute();
                },
                (this, state),
                _options.ResolveTimeout,
                Timeout.InfiniteTimeSpan);
        }

        RequestRecompute();
        return state;
    }

    internal static IReadOnlyList<InstanceEndpoint> ParseStaticEndpoints(string value)
    {
        var endpoints = new List<InstanceEndpoint>();
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!TryParseHostPort(part, out var host, out var port))
            {
                throw new FormatException($"Static endpoint '{part}' is not host:port.");
            }

            endpoints.Add(new InstanceEndpoint(host, port, string.Empty, string.Empty, string.Empty));
        }

        return endpoints;
    }

    internal static bool TryParseHostPort(string value, out string host, out int port)
    {
        host = string.Empty;
        port = 0;
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || colon == value.Length - 1)
        {
            return false;
        }

        host = value[..colon].Trim('[', ']');
        return host.Length > 0
            && int.TryParse(value.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port)
            && port is > 0 and <= 65535;
    }

    private void RemoveSubscription(Subscription subscription)
    {
        lock (_gate)
        {
            subscription.Target.Subscriptions.Remove(subscription);
            subscription.Target.NewSubscriptions.Remove(subscription);
        }
    }

    private static string DefaultSnapshotPath(string @namespace)
    {
        var app = System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? "app";
        var ns = @namespace.Length == 0 ? "default" : @namespace;
        return Path.Combine(Path.GetTempPath(), "introspection", $"{app}.{ns}.view.json");
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
        _recompute.Writer.TryComplete();
        foreach (var target in _targets.Values)
        {
            target.Timer?.Dispose();
        }

        List<Task> background = [_watchTask, _pumpTask];
        lock (_gate)
        {
            background.AddRange(_lookups.Values.Select(l => l.Task).OfType<Task>());
        }

        try
        {
            await Task.WhenAll(background).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException)
        {
            // Cancelled by _stopping: nothing to report.
        }

        await _metadata.DrainAsync().ConfigureAwait(false);
        FlushSnapshot();
        lock (_gate)
        {
            _activeStream?.Dispose();
            _activeStream = null;
        }

        _metadata.Dispose();
        _registry?.Dispose();
        _ownedFetcher?.Dispose();
        _metrics.Dispose();
        _stopping.Dispose();
    }
}
