using Introspection.Provider;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Introspection.ServiceDiscovery.Tests.Infrastructure;

/// <summary>In-process HTTP-only providers (minimal APIs), for the tests that stop providers gracefully or not at all.</summary>
internal static class HttpProviders
{
    /// <summary>An HTTP-only app <paramref name="app"/> answering <c>GET /whoami</c> with its instance id, plus <paramref name="map"/>.</summary>
    public static async Task<ProviderHost> StartAsync(RegistryHost registry, string app, string instanceId, Action<WebApplication>? map = null, Action<IntrospectionProviderOptions>? configure = null)
    {
        var host = await ProviderHost.StartAsync(
            app,
            o =>
            {
                o.Registries.Add(registry.Url);
                o.InstanceId = instanceId;
                o.DescribeHttpEndpoints = true;
                configure?.Invoke(o);
            },
            services: null,
            web =>
            {
                web.MapGet("/whoami", () => Results.Text(instanceId));
                map?.Invoke(web);
                web.MapIntrospectionMetadata();
            });
        await WaitRegisteredAsync(registry, app, instanceId);
        return host;
    }

    /// <summary>Registration runs after the server listens: wait until the registry lists the instance.</summary>
    public static Task WaitRegisteredAsync(RegistryHost registry, string app, string instanceId) =>
        Poll.UntilAsync(async () => (await registry.InstancesAsync(app)).Any(i => i.InstanceId == instanceId), TestTimeouts.Condition, $"{app}/{instanceId} registered");
}
