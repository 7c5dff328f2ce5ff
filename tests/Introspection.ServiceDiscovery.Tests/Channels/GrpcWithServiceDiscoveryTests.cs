using Grpc.Core;
using Grpc.Net.Client;
using Introspection.Client.Internal;
using Introspection.ServiceDiscovery.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Introspection.ServiceDiscovery.Tests.Channels;

/// <summary>
/// The trap: ME.SD's <c>AddServiceDiscovery()</c> on the HttpClient a gRPC channel uses turns off grpc-dotnet's
/// client-side balancing (it marks the primary handler <c>__GrpcLoadBalancingDisabled</c>), and an
/// <c>introspect:///</c> channel cannot work without it.
/// </summary>
public sealed class GrpcWithServiceDiscoveryTests
{
    [Fact]
    public async Task IntrospectChannel_ConfigureHttpClientDefaultsAddServiceDiscovery_StillBalancesAcrossInstances()
    {
        await using var registry = await RegistryHost.StartAsync();
        await using var a = await StartGreeterAsync(registry, "g-a");
        await using var b = await StartGreeterAsync(registry, "g-b");
        await HttpProviders.WaitRegisteredAsync(registry, "greeter", "g-a");
        await HttpProviders.WaitRegisteredAsync(registry, "greeter", "g-b");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.ConfigureHttpClientDefaults(http => http.AddServiceDiscovery());
        services.AddServiceDiscovery();
        services.AddIntrospectionServiceEndpointProvider();
        services.AddIntrospectionClient(o =>
        {
            o.Registries.Add(registry.Url);
            o.EnableSnapshot = false;
        });
        services.AddGrpcClient<Greeter.Contracts.Greeter.GreeterClient>(o => o.Address = new Uri("introspect:///greet.Greeter"));
        await using var provider = services.BuildServiceProvider();
        var greeter = provider.GetRequiredService<Greeter.Contracts.Greeter.GreeterClient>();

        var answered = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 10; i++)
        {
            var reply = await greeter.SayHelloAsync(new Greeter.Contracts.HelloRequest { Name = "x" }, deadline: DateTime.UtcNow + TestTimeouts.Call);
            answered.Add(reply.Instance);
        }

        // Both instances: the channel's round_robin balancer is on (a custom handler would have refused the address).
        Assert.Equal(["g-a", "g-b"], answered.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void IntrospectChannel_HandlerMarkedByServiceDiscovery_IsRefusedUnlessTheGuardClearsTheMark()
    {
        var services = new ServiceCollection();
        // Never called: creating the channel only needs the resolver factory registered.
        services.AddIntrospectionClient(o =>
        {
            o.Registries.Add("http://127.0.0.1:1");
            o.EnableSnapshot = false;
        });
        using var provider = services.BuildServiceProvider();
        using var marked = new SocketsHttpHandler();
        marked.Properties[GrpcLoadBalancingGuard.DisabledPropertyKey] = true;
        using var chain = new PassThroughHandler { InnerHandler = marked };

        // What ME.SD's filter leaves for grpc-dotnet: the introspect address needs a balancer, which a custom handler lacks.
        var refused = Assert.Throws<InvalidOperationException>(() => GrpcChannel.ForAddress("introspect:///greet.Greeter", new GrpcChannelOptions
        {
            HttpHandler = chain,
            ServiceProvider = provider,
            Credentials = ChannelCredentials.Insecure,
            DisposeHttpClient = false,
        }));
        Assert.Contains("load balancing", refused.Message, StringComparison.OrdinalIgnoreCase);

        Assert.True(GrpcLoadBalancingGuard.KeepEnabled(chain));
        Assert.False(GrpcLoadBalancingGuard.KeepEnabled(chain));
        using var channel = GrpcChannel.ForAddress("introspect:///greet.Greeter", new GrpcChannelOptions
        {
            HttpHandler = chain,
            ServiceProvider = provider,
            Credentials = ChannelCredentials.Insecure,
            DisposeHttpClient = false,
        });
        Assert.NotNull(channel);
    }

    private static Task<ProviderHost> StartGreeterAsync(RegistryHost registry, string instanceId) =>
        ProviderHost.StartAsync("greeter", o =>
        {
            o.Registries.Add(registry.Url);
            o.InstanceId = instanceId;
        }, null, web =>
        {
            web.MapGrpcService<NamedGreeter>();
            web.MapIntrospectionMetadata();
        });

    private sealed class PassThroughHandler : DelegatingHandler;

    private sealed class NamedGreeter(Microsoft.Extensions.Options.IOptions<Introspection.Provider.IntrospectionProviderOptions> options) : Greeter.Contracts.Greeter.GreeterBase
    {
        public override Task<Greeter.Contracts.HelloReply> SayHello(Greeter.Contracts.HelloRequest request, ServerCallContext context) =>
            Task.FromResult(new Greeter.Contracts.HelloReply { Message = "Hello " + request.Name, Instance = options.Value.InstanceId ?? "" });
    }
}
