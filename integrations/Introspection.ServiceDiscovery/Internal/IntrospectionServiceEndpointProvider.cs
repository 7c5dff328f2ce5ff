using Grpc.Core;
using Introspection.Client;
using Introspection.Protocol;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.ServiceDiscovery;

namespace Introspection.ServiceDiscovery.Internal;

/// <summary>
/// Resolves one app for ME.SD. It subscribes to the app through the client's watch once, and hands ME.SD a change
/// token that fires on the next pushed change: ME.SD then refreshes at once and stops its polling timer (it only
/// polls when no token can call back), so a new or dead instance is seen when the registry says so.
/// </summary>
internal sealed partial class IntrospectionServiceEndpointProvider : IServiceEndpointProvider
{
    private readonly IntrospectionClient _client;
    private readonly AppTarget _target;
    private readonly IReadOnlyList<string> _includedSchemes;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly IDisposable _subscription;
    private CancellationTokenSource _changed = new();
    private bool _disposed;

    public IntrospectionServiceEndpointProvider(IntrospectionClient client, AppTarget target, IReadOnlyList<string> includedSchemes, ILogger logger)
    {
        _client = client;
        _target = target;
        _includedSchemes = includedSchemes;
        _logger = logger;
        _subscription = client.SubscribeApp(target, OnResolutionChanged);
    }

    public async ValueTask PopulateAsync(IServiceEndpointBuilder endpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        // Taken before resolving: a change after this point fires the token, so none is lost between the two.
        IChangeToken changeToken;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            changeToken = new CancellationChangeToken(_changed.Token);
        }

        endpoints.AddChangeToken(changeToken);
        if (endpoints.Endpoints.Count != 0)
        {
            // An earlier provider (configuration: a pinned address) answered; ME.SD's convention is to leave it.
            Log.SkippedResolved(_logger, _target.App);
            return;
        }

        IReadOnlyList<InstanceEndpoint> instances;
        try
        {
            instances = await _client.ResolveAppAsync(_target, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable)
        {
            // Not an app the registry knows (or none of its instances is up): the next provider (pass-through) answers,
            // and the token above brings ME.SD back when the app appears.
            Log.NotResolved(_logger, _target.App, ex.Status.Detail);
            return;
        }

        var added = 0;
        foreach (var instance in instances)
        {
            var scheme = instance.Labels.TryGetValue(WireContract.SchemeLabel, out var labelled) && labelled.Length > 0 ? labelled : WireContract.SchemeHttp;
            if (_includedSchemes.Count > 0 && !_includedSchemes.Contains(scheme, StringComparer.OrdinalIgnoreCase))
            {
                // "http://greeter" asks for http: an https-only instance is not an answer (ME.SD's scheme rule).
                continue;
            }

            var uri = new UriBuilder(scheme, instance.Host, instance.Port).Uri;
            var features = new FeatureCollection();
            features.Set(new IntrospectionInstanceFeature(instance));
            features.Set<IServiceEndpointProvider>(this);
            endpoints.Endpoints.Add(ServiceEndpoint.Create(new UriEndPoint(uri), features));
            added++;
        }

        Log.Resolved(_logger, _target.App, added, instances.Count);
    }

    public ValueTask DisposeAsync()
    {
        CancellationTokenSource changed;
        lock (_gate)
        {
            if (_disposed)
            {
                return default;
            }

            _disposed = true;
            changed = _changed;
        }

        _subscription.Dispose();
        changed.Dispose();
        return default;
    }

    public override string ToString() => "Introspection";

    private void OnResolutionChanged(ServiceResolution resolution)
    {
        CancellationTokenSource fired;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            fired = _changed;
            _changed = new CancellationTokenSource();
        }

        Log.Changed(_logger, _target.App, resolution.Endpoints.Count);
        fired.Cancel();
        fired.Dispose();
    }
}
