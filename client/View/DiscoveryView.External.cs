using Grpc.Core;
using Introspection.Client.Sources;

namespace Introspection.Client.View;

// Answers for targets whose service comes from outside the registry (DNS): no apps, no instances, no metadata.
internal sealed partial class DiscoveryView
{
    /// <summary>
    /// Under the gate. A DNS answer has no metadata, so a target's group, version or app cannot be checked against it:
    /// such a target is refused rather than silently routed to whatever the name resolves to (a version filter that is
    /// ignored would send v2 calls to v1 pods). The name itself is the selection: one Service per version.
    /// </summary>
    private (ServiceResolution Resolution, bool Publishable) ComputeExternal(ViewTarget state, ExternalEndpoints external)
    {
        var target = state.Target;
        if (target.Group is not null || target.Version is not null || target.App is not null)
        {
            var status = IntrospectionErrors.ServiceNotDiscovered(target, $"it comes from {external.Description}, which carries no metadata to match group, version or app against; resolve the bare service name, or give each version its own DNS name and service source");
            return (new ServiceResolution(target, [], status, IntrospectionErrorKind.ServiceNotDiscovered), true);
        }

        if (external.Current is not { } answer)
        {
            // The first lookup is still running: wait for it, up to the resolve timeout.
            var waited = IntrospectionErrors.ServiceNotDiscovered(target, $"the lookup of {external.Description} has not answered");
            return (new ServiceResolution(target, [], waited, IntrospectionErrorKind.ServiceNotDiscovered), IsTimedOut(state));
        }

        IReadOnlyList<InstanceEndpoint> endpoints = answer.Endpoints;
        if (_suspended.Count > 0 && endpoints.Count > 1)
        {
            var now = _timeProvider.GetUtcNow();
            var routable = endpoints.Where(e => !_suspended.TryGetValue((e.Host, e.Port), out var until) || until <= now).ToArray();
            if (routable.Length > 0)
            {
                endpoints = routable;
            }
        }

        if (endpoints.Count > 0)
        {
            return (new ServiceResolution(target, endpoints, Status.DefaultSuccess), true);
        }

        if (state.EverHadEndpoints)
        {
            var none = IntrospectionErrors.NoInstances(target, $"{external.Description} has no addresses now");
            return (new ServiceResolution(target, [], none, IntrospectionErrorKind.NoInstances), true);
        }

        var reason = answer.Failure is { } failure
            ? $"the lookup of {external.Description} failed: {failure}"
            : $"{external.Description} has no A/AAAA records";
        return (new ServiceResolution(target, [], IntrospectionErrors.ServiceNotDiscovered(target, reason), IntrospectionErrorKind.ServiceNotDiscovered), true);
    }
}
