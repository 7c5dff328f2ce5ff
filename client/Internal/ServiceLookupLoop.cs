using Grpc.Core;
using Introspection.Client.View;
using Microsoft.Extensions.Logging;

namespace Introspection.Client.Internal;

/// <summary>
/// Finds the apps of services in use with LookupService: one background loop per service, until the registry
/// answers with at least one app, or until a live Watch stream carries the mappings (MAPPING_PUT events then
/// bring new apps). Answers and failures go to the view.
/// </summary>
internal sealed partial class ServiceLookupLoop
{
    private readonly RegistryConnection _registry;
    private readonly DiscoveryView _view;
    private readonly IntrospectionClientOptions _options;
    private readonly IRandomSource _random;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Action _recompute;
    private readonly Action _viewChanged;
    private readonly CancellationToken _stopping;
    private readonly List<Task> _tasks = [];

    // recompute: Asks for the targets to be recomputed (a failure changes answers, not the view).
    // viewChanged: The view changed: recompute and persist.
    public ServiceLookupLoop(
        RegistryConnection registry,
        DiscoveryView view,
        IntrospectionClientOptions options,
        IRandomSource random,
        TimeProvider timeProvider,
        ILogger logger,
        Action recompute,
        Action viewChanged,
        CancellationToken stopping)
    {
        _registry = registry;
        _view = view;
        _options = options;
        _random = random;
        _timeProvider = timeProvider;
        _logger = logger;
        _recompute = recompute;
        _viewChanged = viewChanged;
        _stopping = stopping;
    }

    /// <summary>Starts looking up <paramref name="service"/> (the view said it must: once per service).</summary>
    public void Start(string service)
    {
        var task = BackgroundWork.Run(() => RunAsync(service, _stopping));
        lock (_tasks)
        {
            _tasks.Add(task);
        }
    }

    /// <summary>Every lookup started (on dispose, to wait for them).</summary>
    public Task[] GetTasks()
    {
        lock (_tasks)
        {
            return [.. _tasks];
        }
    }

    private async Task RunAsync(string service, CancellationToken cancellationToken)
    {
        var backoff = new Backoff(_options.RegistryRetryInitialBackoff, _options.RegistryRetryMaxBackoff, _random);
        try
        {
            while (true)
            {
                try
                {
                    var response = await _registry.LookupServiceAsync(_options.Namespace, service, cancellationToken).ConfigureAwait(false);
                    _view.LookupAnswered(service, response.Apps);
                    Log.ServiceLookedUp(_logger, service, response.Apps.Count);
                    _viewChanged();
                    if (response.Apps.Count > 0)
                    {
                        return;
                    }

                    // Nobody provides it yet: ask again, less and less often (many clients may be asking).
                }
                catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    _view.LookupFailed(service, $"{ex.StatusCode}: {ex.Status.Detail}");
                    Log.ServiceLookupFailed(_logger, service, ex.StatusCode, ex);
                    _recompute();
                }

                await Task.Delay(backoff.Next(), _timeProvider, cancellationToken).ConfigureAwait(false);
                if (_view.TryCompleteLookup(service))
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or RpcException)
        {
        }
    }
}
