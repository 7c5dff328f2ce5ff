using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Introspection.Client.Tests.Resolution;

public class IntrospectionResolverFactoryTests
{
    [Fact]
    public async Task HandMadeChannel_FactoryInItsServiceProvider_ResolvesIntrospectAddresses()
    {
        var options = new IntrospectionClientOptions { EnableSnapshot = false };
        options.Registries.Add("http://127.0.0.1:1");
        await using var client = new IntrospectionClient(Options.Create(options));
        var services = new ServiceCollection();
        services.AddSingleton<ResolverFactory>(new IntrospectionResolverFactory(client, Options.Create(options)));
        await using var provider = services.BuildServiceProvider();

        // Without a factory for the scheme grpc-dotnet refuses the address; with it, the channel is created.
        using var channel = GrpcChannel.ForAddress("introspect:///greet.Greeter", new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Insecure,
            ServiceProvider = provider,
        });

        Assert.Equal(ServiceTarget.Scheme, new IntrospectionResolverFactory(client, Options.Create(options)).Name);
        Assert.Throws<InvalidOperationException>(() => GrpcChannel.ForAddress("introspect:///greet.Greeter", new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Insecure,
            ServiceProvider = new ServiceCollection().BuildServiceProvider(),
        }));
    }
}
