using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using Grpc.Core;
using Introspection.Client.Internal;
using Introspection.Protocol;
using Introspection.Client.View;
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
/// <remarks>
/// A composition root: what is known and how answers are computed is the <see cref="DiscoveryView"/> (no I/O);
/// around it, <see cref="RegistryWatchLoop"/> and <see cref="ServiceLookupLoop"/> feed it from the registry,
/// <see cref="MetadataCache"/> answers its metadata lookups, <see cref="ViewSnapshotPersistence"/> loads and saves
/// it, and <see cref="ResolutionPublisher"/> delivers its answers.
/// </remarks>
public sealed partial class IntrospectionClient : IAsyncDisposable, IDisposable
{
    private readonly IntrospectionClientOptions _options;
    private readonly ILogger _logger;
    private readonly IntrospectionClientMetrics _metrics;
    private readonly RegistryConnection? _registry;
    private readonly MetadataCache _metadata;
    private readonly GrpcMetadataFetcher? _ownedFetcher;
    private readonly DubboMetadataFetcher? _ownedDubboFetcher;
    private readonly DiscoveryView _view;
    private readonly ResolutionPublisher _publisher;
    private readonly RegistryWatchLoop? _watch;
    private readonly ServiceLookupLoop? _lookups;
    private readonly ViewSnapshotPersistence? _snapshot;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TimeProvider _timeProvider;
    private readonly List<ITimer> _suspensionTimers = [];

    private int _started;
    private int _disposed;

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
        _timeProvider = timeProvider;

        // Every part logs through the client's category, as before the split: log filters keep working.
        _logger = loggerFactory.CreateLogger<IntrospectionClient>();
        random ??= SharedRandomSource.Instance;
        _metrics = new IntrospectionClientMetrics(meterFactory);
        var stopping = _stopping.Token;
        if (options.Registries.Count > 0)
        {
            // The one registry connection of the client; the watch and lookup loops share it.
            _registry = new RegistryConnection(options.Registries, RegistryConnection.ClientDefaults(options.RegistryCallTimeout, options.RegistryKeepAlive, options.RegistryMaxReceiveMessageSize, loggerFactory, options.RegistryChannel), timeProvider, loggerFactory);
        }

        if (fetcher is null)
        {
            _ownedFetcher = new GrpcMetadataFetcher(options.MetadataFetchTimeout, InstanceScheme.UnlabeledIsHttps(options), timeProvider, loggerFactory, options.ProviderChannel);
            // Providers that serve only Dubbo 3.3's MetadataServiceV2 are read through it (client/Internal/DubboFallbackMetadataFetcher.cs).
            _ownedDubboFetcher = new DubboMetadataFetcher(options.MetadataFetchTimeout, InstanceScheme.UnlabeledIsHttps(options), timeProvider, loggerFactory, options.ProviderChannel);
            fetcher = new DubboFallbackMetadataFetcher(_ownedFetcher, _ownedDubboFetcher, loggerFactory);
        }

        // The cache asks the view whom to fetch from and the view asks the cache for metadata: the lambda defers
        // the first edge until _view exists.
        _metadata = new MetadataCache(
            fetcher,
            key => _view!.GetFetchCandidates(key),
            options.MetadataCacheSizeLimit,
            options.MetadataRetryInitialBackoff,
            options.MetadataRetryMaxBackoff,
            random,
            timeProvider,
            _metrics,
            loggerFactory.CreateLogger<MetadataCache>());
        _view = new DiscoveryView(_metadata, options.EmptyProtection, hasRegistry: _registry is not null, options.ResolveTimeout, timeProvider, _logger, options.SnapshotGracePeriod);
        _publisher = new ResolutionPublisher(_view, timeProvider, options.ResolveTimeout, _logger, stopping);
        _metadata.Changed += OnViewChanged;

        if (options.EnableSnapshot)
        {
            var store = new ViewSnapshotStore(options.SnapshotPath ?? DefaultSnapshotPath(options.Namespace), loggerFactory.CreateLogger<ViewSnapshotStore>());
            _snapshot = new ViewSnapshotPersistence(store, _view, _metadata, options.Namespace, options.SnapshotDebounce, timeProvider, _logger, stopping);
        }

        if (_registry is not null)
        {
            _watch = new RegistryWatchLoop(_registry, _view, options, random, timeProvider, _metrics, _logger, _publisher.RequestRecompute, OnViewChanged, stopping);
            _lookups = new ServiceLookupLoop(_registry, _view, options, random, timeProvider, _logger, _publisher.RequestRecompute, OnViewChanged, stopping);
        }

        CreateRegistryGroups(loggerFactory, meterFactory, fetcher, random);
    }

    /// <summary>The file the view is saved to, or null when snapshots are disabled.</summary>
    public string? SnapshotPath => _snapshot?.Path;

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
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "CancellationToken = default on every overload is the .NET convention; the overloads differ in the target's type, so no call is ambiguous.")]
    public ValueTask<IReadOnlyList<InstanceEndpoint>> ResolveAsync(ServiceTarget target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (GroupClientFor(target.Service) is { } group)
        {
            return group.ResolveAsync(target, cancellationToken);
        }

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
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "CancellationToken = default on every overload is the .NET convention; the overloads differ in the target's type, so no call is ambiguous.")]
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
        if (GroupClientFor(target.Service) is { } group)
        {
            return group.Subscribe(target, onChange);
        }

        return _publisher.Subscribe(GetOrAddTarget(target), onChange);
    }

    /// <summary>Asks for the view to be re-evaluated (the gRPC resolver calls this when the channel asks for a refresh).</summary>
    public void Refresh()
    {
        _publisher.RequestRecompute();
        foreach (var group in _groups.Values)
        {
            group.Refresh();
        }
    }

    /// <summary>
    /// A provider's connection died under calls (HTTP/2 keep-alive unanswered): stop routing to it for a while. A
    /// stopped process still accepts TCP connections, so the balancer alone would reconnect and route to it again.
    /// </summary>
    internal void ReportUnresponsive(string host, int port)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        foreach (var group in _groups.Values)
        {
            group.ReportUnresponsive(host, port);
        }

        var suspension = SuspensionOf(_options);
        if (_view.SuspendEndpoint(host, port, suspension))
        {
            Log.EndpointSuspended(_logger, host, port, suspension.TotalSeconds);
            _publisher.RequestRecompute();

            // Recompute when it ends, or the endpoint would only come back with the next registry event.
            var timer = BackgroundWork.CreateTimer(_timeProvider, static s => ((ResolutionPublisher)s!).RequestRecompute(), _publisher, suspension, Timeout.InfiniteTimeSpan);
            lock (_suspensionTimers)
            {
                _suspensionTimers.Add(timer);
            }
        }
    }

    /// <summary>
    /// Long enough that a hung provider is not tried again at once (each try costs a ping cycle of latency), short
    /// enough that a provider that was only paused (a long GC, a VM migration) gets traffic back soon.
    /// </summary>
    internal static TimeSpan SuspensionOf(IntrospectionClientOptions options) =>
        TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, 2 * (options.ProviderKeepAlivePingDelay + options.ProviderKeepAlivePingTimeout).Ticks));

    private static IReadOnlyList<InstanceEndpoint> Unwrap(ServiceResolution resolution) =>
        resolution.Status.StatusCode == StatusCode.OK ? resolution.Endpoints : throw IntrospectionErrors.ToException(resolution);

    private void EnsureStarted()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            return;
        }

        _snapshot?.Load();
        _publisher.Start();
        _watch?.Start();
        Log.Started(_logger, _options.Registries.Count, _options.Namespace, SnapshotPath ?? "(disabled)");
    }

    private TargetState GetOrAddTarget(ServiceTarget target)
    {
        if (_publisher.TryGetTarget(target, out var existing))
        {
            return existing;
        }

        EnsureStarted();
        var pinned = StaticPinOf(target.Service);
        var state = _publisher.GetOrAddTarget(target, pinned is null ? null : ParseStaticEndpoints(pinned), out var added, out var lookupNeeded, pinned is null ? DnsEndpointsOf(target.Service) : null);
        if (!added)
        {
            return state;
        }

        if (pinned is not null)
        {
            Log.StaticEndpointsUsed(_logger, target.Service, pinned);
        }

        if (lookupNeeded)
        {
            // The view only asks for a lookup when a registry is configured, which is when the loop exists.
            _lookups!.Start(target.Service);
        }

        _publisher.RequestRecompute();
        return state;
    }

    private void OnViewChanged()
    {
        _publisher.RequestRecompute();
        _snapshot?.ScheduleWrite();
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
            && port is >= WireContract.MinPort and <= WireContract.MaxPort;
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
        lock (_suspensionTimers)
        {
            foreach (var timer in _suspensionTimers)
            {
                timer.Dispose();
            }
        }

        _publisher.Stop();
        List<Task> background = [_publisher.Completion];
        if (_watch is not null)
        {
            background.Add(_watch.Completion);
        }

        if (_lookups is not null)
        {
            background.AddRange(_lookups.GetTasks());
        }

        try
        {
            await Task.WhenAll(background).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException)
        {
            // Cancelled by _stopping: nothing to report.
        }

        await DisposeSourcesAsync().ConfigureAwait(false);
        await _metadata.DrainAsync().ConfigureAwait(false);
        _snapshot?.Flush();
        _watch?.DisposeActiveStream();
        _metadata.Dispose();
        _registry?.Dispose();
        _ownedFetcher?.Dispose();
        _ownedDubboFetcher?.Dispose();
        _metrics.Dispose();
        _stopping.Dispose();
    }
}
