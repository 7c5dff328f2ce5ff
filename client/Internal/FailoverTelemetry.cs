using System.Diagnostics;

namespace Introspection.Client.Internal;

/// <summary>
/// A registry failover (calls move from one registry address to the next) as a span of its own: a moment rather
/// than an operation, so the span is short, but it is where a trace shows why the Watch or a registration that
/// follows went to another node. Child of whatever span was current (a Watch connect, a registration).
/// </summary>
internal static class FailoverTelemetry
{
    public static void Record(Uri from, Uri to, bool sameRegistry)
    {
        using var activity = ClientActivitySources.Client.StartActivity(ClientActivitySources.RegistryFailover, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(TelemetryTags.RegistryAddress, from.ToString());
            activity.SetTag("introspection.registry.next_address", to.ToString());
            // Nodes of one configuration entry share a store (resume by revision works); another entry is another registry.
            activity.SetTag("introspection.registry.same_entry", sameRegistry);
        }
    }
}
