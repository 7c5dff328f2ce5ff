using Introspection.Provider.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Introspection.Provider.Tests.Options;

public sealed class IntrospectionProviderOptionsValidatorTests
{
    private readonly IntrospectionProviderOptionsValidator _validator = new();

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        Assert.True(_validator.Validate(null, new IntrospectionProviderOptions()).Succeeded);
    }

    [Theory]
    [InlineData("not a uri")]
    [InlineData("ftp://registry:21")]
    [InlineData(" , ")]
    public void Validate_BadRegistryAddress_FailsNamingTheEntry(string registry)
    {
        var options = new IntrospectionProviderOptions();
        options.Registries.Add(registry);

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Registries:0", result.FailureMessage);
    }

    [Fact]
    public void Validate_SeveralAddressesInOneEntry_Succeeds()
    {
        var options = new IntrospectionProviderOptions();
        options.Registries.Add("http://r1:5300, http://r2.example.com:5300");
        options.Registries.Add("https://other:443");

        Assert.True(_validator.Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("*")]
    [InlineData("bad host name!")]
    public void Validate_UnreachableHost_Fails(string host)
    {
        var result = _validator.Validate(null, new IntrospectionProviderOptions { Host = host });

        Assert.True(result.Failed);
        Assert.Contains("Host", result.FailureMessage);
    }

    [Fact]
    public void Validate_BadValues_ReportsEveryProblem()
    {
        var options = new IntrospectionProviderOptions
        {
            App = "bad app",
            Namespace = "bad/ns",
            Port = 70000,
            LeaseTtl = TimeSpan.Zero,
            PropagationDelay = TimeSpan.FromSeconds(30),
            ShutdownTimeout = TimeSpan.FromSeconds(10),
            RevisionHistoryCount = -1,
            UnhealthyAfterFailures = 0,
        };
        options.Labels["bad key!"] = "v";
        options.Services["not/a service"] = new IntrospectionServiceOptions();

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        foreach (var key in new[] { "App", "Namespace", "Port", "LeaseTtl", "PropagationDelay", "RevisionHistoryCount", "UnhealthyAfterFailures", "Labels", "Services" })
        {
            Assert.Contains(key, result.FailureMessage);
        }
    }

    [Fact]
    public void AddIntrospectionProvider_ConfigurationSection_BindsAndValidates()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration["Introspection:Provider:App"] = "configured";
        builder.Configuration["Introspection:Provider:Registries:0"] = "http://127.0.0.1:5300";
        builder.Configuration["Introspection:Provider:Services:greet.Greeter:Params:timeout"] = "2s";
        builder.Configuration["Introspection:Provider:PropagationDelay"] = "00:00:01";
        builder.Services.AddIntrospectionProvider(o => o.Labels["zone"] = "a");
        builder.Services.AddIntrospectionProvider();
        using var services = builder.Services.BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<IntrospectionProviderOptions>>().Value;

        Assert.Equal("configured", options.App);
        Assert.Equal(["http://127.0.0.1:5300"], options.Registries);
        Assert.Equal("2s", options.Services["greet.Greeter"].Params["timeout"]);
        Assert.Equal(TimeSpan.FromSeconds(1), options.PropagationDelay);
        Assert.Equal("a", options.Labels["zone"]);
        Assert.Single(services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<ProviderLifecycle>());
    }

    [Fact]
    public void AddIntrospectionProvider_InvalidConfiguration_ThrowsOnAccess()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration["Introspection:Provider:Port"] = "0";
        builder.Services.AddIntrospectionProvider();
        using var services = builder.Services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<IntrospectionProviderOptions>>().Value);
        Assert.Contains("Port", ex.Message);
    }

    [Fact]
    public void AddIntrospectionProvider_ShortHostShutdownTimeout_RaisedToCoverProviderShutdown()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddIntrospectionProvider(o => o.ShutdownTimeout = TimeSpan.FromSeconds(40));
        using var services = builder.Services.BuildServiceProvider();

        var host = services.GetRequiredService<IOptions<Microsoft.Extensions.Hosting.HostOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(45), host.ShutdownTimeout);
    }
}
