using System.Net;
using Introspection.Provider.Tests.Infrastructure;

namespace Introspection.Provider.Tests.Functional;

/// <summary>The provider's registry channels are built by the client library's connection, hooks included.</summary>
public sealed class RegistryChannelHookTests
{
    [Fact]
    public async Task Start_RegistryChannelHooks_RunOnTheProviderDefaultsAndCarryTheRegistryCalls()
    {
        await using var registry = await RegistryHost.StartAsync();
        var handlers = new List<(Uri Address, TimeSpan PingDelay, TimeSpan IdleTimeout)>();
        var requests = 0;

        await using var provider = await ProviderServer.StartAsync(registry.Address, o =>
        {
            o.RegistryChannel.ConfigureHttpHandler = (address, handler) =>
            {
                lock (handlers)
                {
                    handlers.Add((address, handler.KeepAlivePingDelay, handler.PooledConnectionIdleTimeout));
                }
            };
            o.RegistryChannel.WrapHandler = inner => new CountingHandler(inner, () => Interlocked.Increment(ref requests));
        });
        await Poll.UntilAsync(async () => (await registry.InstancesAsync(ProviderServer.App)).Count == 1, TestTimeouts.Short, "the provider is registered");

        // Register, MapService and the KeepAlive stream all went through the wrapped handler.
        await Poll.UntilAsync(() => Volatile.Read(ref requests) >= 3, TestTimeouts.Short, "the registry calls go through the wrapping handler");
        lock (handlers)
        {
            var handler = Assert.Single(handlers);
            Assert.Equal(registry.Address.Authority, handler.Address.Authority);
            // The provider's own defaults, applied before the hook.
            Assert.Equal(TimeSpan.FromSeconds(20), handler.PingDelay);
            Assert.Equal(Timeout.InfiniteTimeSpan, handler.IdleTimeout);
        }
    }

    private sealed class CountingHandler(HttpMessageHandler inner, Action onRequest) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            onRequest();
            return base.SendAsync(request, cancellationToken);
        }
    }
}
