using Grpc.Core;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Introspection.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Introspection.Client.Internal;

/// <summary>
/// Push resolver: subscribes to the client's resolution of one target and hands every change to the channel.
/// It never polls; the registry Watch stream and the metadata cache drive it.
/// </summary>
/// <remarks>
/// grpc-dotnet dials every address of a channel with the channel's scheme (from its credentials; a
/// <see cref="BalancerAddress"/> has no scheme of its own), so the resolver hands the channel only the instances
/// whose <c>scheme</c> label matches the channel's, logs the others, and names them in the failure when no
/// instance matches.
/// </remarks>
internal sealed partial class IntrospectionResolver(
    IntrospectionClient client,
    ServiceTarget target,
    bool roundRobin,
    string channelScheme = WireContract.SchemeHttp,
    bool unlabeledIsHttps = false,
    ILogger? logger = null) : Resolver
{
    private static readonly ServiceConfig s_roundRobin = new() { LoadBalancingConfigs = { new RoundRobinConfig() } };

    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private IDisposable? _subscription;
    private int _lastSkipped;

    public override void Start(Action<ResolverResult> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        if (_subscription is not null)
        {
            throw new InvalidOperationException("The resolver has already been started.");
        }

        _subscription = client.Subscribe(target, resolution =>
        {
            var result = ToResult(resolution, roundRobin, channelScheme, unlabeledIsHttps, out var skipped);
            if (skipped != Interlocked.Exchange(ref _lastSkipped, skipped) && skipped > 0)
            {
                Log.SchemeMismatch(_logger, skipped, target.ToString(), channelScheme);
            }

            listener(result);
        });
    }

    public override void Refresh() => client.Refresh();

    internal static ResolverResult ToResult(ServiceResolution resolution, bool roundRobin) =>
        ToResult(resolution, roundRobin, WireContract.SchemeHttp, unlabeledIsHttps: false, out _);

    internal static ResolverResult ToResult(ServiceResolution resolution, bool roundRobin, string channelScheme, bool unlabeledIsHttps, out int skipped)
    {
        skipped = 0;
        if (resolution.Status.StatusCode != StatusCode.OK)
        {
            return ResolverResult.ForFailure(resolution.Status);
        }

        var addresses = new List<BalancerAddress>(resolution.Endpoints.Count);
        foreach (var endpoint in resolution.Endpoints)
        {
            if (InstanceScheme.Of(endpoint.Labels, unlabeledIsHttps) != channelScheme)
            {
                skipped++;
                continue;
            }

            var address = new BalancerAddress(endpoint.Host, endpoint.Port);
            address.Attributes.Set(IntrospectionBalancerAttributes.App, endpoint.App);
            address.Attributes.Set(IntrospectionBalancerAttributes.InstanceId, endpoint.InstanceId);
            address.Attributes.Set(IntrospectionBalancerAttributes.Revision, endpoint.Revision);
            address.Attributes.Set(IntrospectionBalancerAttributes.Labels, endpoint.Labels);
            addresses.Add(address);
        }

        if (addresses.Count == 0 && skipped > 0)
        {
            var other = channelScheme == WireContract.SchemeHttps ? WireContract.SchemeHttp : WireContract.SchemeHttps;
            return ResolverResult.ForFailure(new Status(
                StatusCode.Unavailable,
                $"{IntrospectionErrors.NoInstancesPrefix}{skipped} instance(s) serve {other} but this channel dials {channelScheme}; " +
                $"set {IntrospectionClientOptions.SectionName}:ProviderChannel:Scheme or the channel's credentials to match."));
        }

        return ResolverResult.ForResult(addresses, roundRobin ? s_roundRobin : null, serviceConfigStatus: null);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _subscription?.Dispose();
        }

        base.Dispose(disposing);
    }
}
