using Introspection.Provider.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Introspection.Provider.Tests.Security;

/// <summary>The provider's registry TLS and token settings, and its metadata access settings, from configuration.</summary>
public sealed class ProviderSecurityOptionsTests
{
    [Fact]
    public void Validate_MissingCaFileAndKeyWithoutCertificate_BothNamedWithTheirKeys()
    {
        var options = new IntrospectionProviderOptions();
        options.Registries.Add("https://registry:5301");
        options.RegistryChannel.Tls.CertificateAuthorityPath = "/nonexistent/ca.pem";
        options.RegistryChannel.Tls.ClientKeyPath = "/nonexistent/provider.key";

        var result = new IntrospectionProviderOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Introspection:Provider:RegistryChannel:Tls:CertificateAuthorityPath: the file '/nonexistent/ca.pem' does not exist.", result.Failures);
        Assert.Contains(result.Failures, f => f.StartsWith("Introspection:Provider:RegistryChannel:Tls:ClientKeyPath: set without ClientCertificatePath", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_TokenAndPlainTextRegistry_Refused()
    {
        var options = new IntrospectionProviderOptions();
        options.Registries.Add("http://registry:5300");
        options.RegistryChannel.AccessToken = "provider-key";

        var result = new IntrospectionProviderOptionsValidator().Validate(null, options);

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Introspection:Provider:RegistryChannel:AccessToken: a token is sent only over TLS", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("provider-key", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_Configuration_ReadsRegistryChannelAndMetadataKeys()
    {
        using var authority = TestCertificates.CreateAuthority();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Introspection:Provider:App"] = "greeter",
            ["Introspection:Provider:Registries:0"] = "https://registry:5301",
            ["Introspection:Provider:RegistryChannel:AccessToken"] = "provider-key",
            ["Introspection:Provider:RegistryChannel:Tls:CertificateAuthorityPath"] = authority.AuthorityPemPath,
            ["Introspection:Provider:RegistryChannel:Tls:TrustSystemRoots"] = "false",
            ["Introspection:Provider:Metadata:RequireAuthorization"] = "true",
            ["Introspection:Provider:Metadata:AuthorizationPolicy"] = "metadata-readers",
        });
        builder.Services.AddIntrospectionProvider();
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<IntrospectionProviderOptions>>().Value;

        Assert.Equal("provider-key", options.RegistryChannel.AccessToken);
        Assert.Equal(authority.AuthorityPemPath, options.RegistryChannel.Tls.CertificateAuthorityPath);
        Assert.False(options.RegistryChannel.Tls.TrustSystemRoots);
        Assert.True(options.Metadata.RequireAuthorization);
        Assert.Equal("metadata-readers", options.Metadata.AuthorizationPolicy);
    }
}
