using System.Net.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;

namespace Introspection.Client.Tests.Resolution;

/// <summary>The handlers of <c>introspect:///</c> gRPC clients get HTTP/2 keep-alive to providers; others are left alone.</summary>
public sealed class ProviderKeepAliveTests
{
    private const string ClientName = "GreeterClient";

    [Fact]
    public void AddGrpcClient_IntrospectAddress_HandlerPingsProvidersWithTheConfiguredTimes()
    {
        using var provider = Build("introspect:///greet.Greeter", o =>
        {
            o.ProviderKeepAlivePingDelay = TimeSpan.FromSeconds(7);
            o.ProviderKeepAlivePingTimeout = TimeSpan.FromSeconds(3);
        });

        var handler = PrimaryHandler(provider);

        Assert.Equal(TimeSpan.FromSeconds(7), handler.KeepAlivePingDelay);
        Assert.Equal(TimeSpan.FromSeconds(3), handler.KeepAlivePingTimeout);
        Assert.Equal(HttpKeepAlivePingPolicy.WithActiveRequests, handler.KeepAlivePingPolicy);
        Assert.True(handler.EnableMultipleHttp2Connections);
    }

    [Fact]
    public void AddGrpcClient_HttpAddress_HandlerIsLeftAlone()
    {
        using var provider = Build("http://127.0.0.1:5000");

        Assert.Equal(Timeout.InfiniteTimeSpan, PrimaryHandler(provider).KeepAlivePingDelay);
    }

    [Fact]
    public void AddGrpcClient_KeepAliveTurnedOff_HandlerDoesNotPing()
    {
        using var provider = Build("introspect:///greet.Greeter", o => o.ProviderKeepAlivePingDelay = Timeout.InfiniteTimeSpan);

        Assert.Equal(Timeout.InfiniteTimeSpan, PrimaryHandler(provider).KeepAlivePingDelay);
    }

    [Fact]
    public void Validate_NonPositiveKeepAliveOrNegativeSnapshotGrace_FailsNamingTheKeys()
    {
        var options = new IntrospectionClientOptions
        {
            ProviderKeepAlivePingDelay = TimeSpan.Zero,
            ProviderKeepAlivePingTimeout = TimeSpan.FromSeconds(-1),
            SnapshotGracePeriod = TimeSpan.FromSeconds(-1),
        };
        options.Registries.Add("http://registry:5300");

        var errors = Internal.IntrospectionClientOptionsValidator.Check(options);

        Assert.Contains(errors, e => e.Contains("ProviderKeepAlivePingDelay", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("ProviderKeepAlivePingTimeout", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("SnapshotGracePeriod", StringComparison.Ordinal));
    }

    private static ServiceProvider Build(string address, Action<IntrospectionClientOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddIntrospectionClient(o =>
        {
            o.Registries.Add("http://127.0.0.1:1");
            o.EnableSnapshot = false;
            configure?.Invoke(o);
        });
        services.AddGrpcClient<Greeter.Contracts.Greeter.GreeterClient>(o => o.Address = new Uri(address));
        return services.BuildServiceProvider();
    }

    private static SocketsHttpHandler PrimaryHandler(ServiceProvider provider)
    {
        HttpMessageHandler? handler = provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(ClientName);
        while (handler is DelegatingHandler delegating)
        {
            handler = delegating.InnerHandler;
        }

        return Assert.IsType<SocketsHttpHandler>(handler);
    }
}
