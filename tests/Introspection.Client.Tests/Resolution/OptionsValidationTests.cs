using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Introspection.Client.Tests.Resolution;

public class OptionsValidationTests
{
    [Fact]
    public void AddIntrospectionClient_BindsConfigurationSection()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Introspection:Client:Registries:0"] = "http://registry-a:5300",
            ["Introspection:Client:Registries:1"] = "http://registry-b:5300",
            ["Introspection:Client:Namespace"] = "prod",
            ["Introspection:Client:Services:0"] = "greet.Greeter?version=2",
            ["Introspection:Client:EmptyProtection"] = "false",
            ["Introspection:Client:StaticEndpoints:greet.Farewell"] = "127.0.0.1:5001",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);

        services.AddIntrospectionClient().AddIntrospectionClient();
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<IntrospectionClientOptions>>().Value;

        Assert.Equal(["http://registry-a:5300", "http://registry-b:5300"], options.Registries);
        Assert.Equal("prod", options.Namespace);
        Assert.Equal(["greet.Greeter?version=2"], options.Services);
        Assert.False(options.EmptyProtection);
        Assert.Equal("127.0.0.1:5001", options.StaticEndpoints["greet.Farewell"]);
        Assert.Single(provider.GetServices<Grpc.Net.Client.Balancer.ResolverFactory>());
    }

    [Fact]
    public void AddIntrospectionClient_InvalidOptions_FailWithKeyNames()
    {
        var services = new ServiceCollection();
        services.AddIntrospectionClient(o =>
        {
            o.Registries.Add("http://ok:5300, registry:5300");
            o.Services.Add("introspect://greet.Greeter");
            o.ResolveTimeout = TimeSpan.Zero;
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<IntrospectionClientOptions>>().Value);

        Assert.Contains(ex.Failures, f => f.Contains("Introspection:Client:Registries", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("Introspection:Client:Services", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("Introspection:Client:ResolveTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public void AddIntrospectionClient_NoRegistry_FailsValidation()
    {
        var services = new ServiceCollection().AddIntrospectionClient();
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<IntrospectionClientOptions>>().Value);

        Assert.Contains("at least one registry", ex.Message, StringComparison.Ordinal);
    }
}
