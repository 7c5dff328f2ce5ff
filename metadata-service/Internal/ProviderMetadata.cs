using Introspection.Protocol.Metadata.V1;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Introspection.Provider.Internal;

/// <summary>
/// Owns the instance's metadata: builds it from the mapped endpoints and options, rebuilds it when
/// either changes, and keeps the revision history that <c>GetMetadataInfo</c> answers from.
/// </summary>
internal sealed partial class ProviderMetadata : IProviderMetadata, IDisposable
{
    private readonly EndpointDataSource _endpoints;
    private readonly IOptionsMonitor<IntrospectionProviderOptions> _options;
    private readonly IHostEnvironment _environment;
    private readonly ILogger<ProviderMetadata> _logger;
    private readonly RevisionHistory _history;
    private readonly object _buildLock = new();
    private IDisposable? _endpointSubscription;
    private IDisposable? _optionsSubscription;
    private string? _app;
    private bool _watching;

    public ProviderMetadata(
        EndpointDataSource endpoints,
        IOptionsMonitor<IntrospectionProviderOptions> options,
        IHostEnvironment environment,
        TimeProvider timeProvider,
        ILogger<ProviderMetadata> logger)
    {
        _endpoints = endpoints;
        _options = options;
        _environment = environment;
        _logger = logger;
        _history = new RevisionHistory(timeProvider, () =>
        {
            var current = _options.CurrentValue;
            return (current.RevisionHistoryCount, current.RevisionRetention);
        });
    }

    /// <summary>Raised (outside any lock) with the new metadata after its revision changed.</summary>
    public event Action<MetadataInfo>? Changed;

    /// <summary>The application name, fixed at the first build: the app is the instance's identity in the registry.</summary>
    public string App
    {
        get
        {
            _ = Current;
            return _app!;
        }
    }

    public MetadataInfo Current
    {
        get
        {
            var current = _history.Current;
            if (current is not null)
            {
                return current;
            }

            Refresh();
            return _history.Current!;
        }
    }

    public MetadataInfo? Find(string revision)
    {
        _ = Current;
        return _history.Find(revision);
    }

    public IReadOnlyList<string> PreviousRevisions() => _history.PreviousRevisions();

    public void Refresh()
    {
        MetadataInfo? changed = null;
        lock (_buildLock)
        {
            var options = _options.CurrentValue;
            var app = options.App is { Length: > 0 } configured ? configured : _environment.ApplicationName;
            if (_app is null)
            {
                _app = app;
            }
            else if (!string.Equals(_app, app, StringComparison.Ordinal))
            {
                Log.AppChangeIgnored(_logger, _app, app);
            }

            var previous = _history.Current;
            var info = MetadataBuilder.Build(_app, _endpoints.Endpoints, options);
            if (_history.SetCurrent(info))
            {
                if (previous is null)
                {
                    Log.MetadataBuilt(_logger, info.App, info.Revision, info.Services.Count);
                }
                else
                {
                    Log.RevisionChanged(_logger, previous.Revision, info.Revision, info.Services.Count);
                    changed = info;
                }
            }

            StartWatching();
        }

        if (changed is not null)
        {
            Changed?.Invoke(changed);
        }
    }

    public void Dispose()
    {
        _endpointSubscription?.Dispose();
        _optionsSubscription?.Dispose();
    }

    private void StartWatching()
    {
        if (_watching)
        {
            return;
        }

        _watching = true;
        // Endpoints change when the app maps services after start (dynamic data sources);
        // options change when configuration reloads (params, group, version, exclusions).
        _endpointSubscription = ChangeToken.OnChange(_endpoints.GetChangeToken, SafeRefresh);
        _optionsSubscription = _options.OnChange((_, _) => SafeRefresh());
    }

    private void SafeRefresh()
    {
        try
        {
            Refresh();
        }
        catch (Exception ex)
        {
            // A bad reload (e.g. a parameter that is not valid UTF-16) must not take the app
            // down: the previous revision stays current.
            Log.RefreshFailed(_logger, ex);
        }
    }
}
