using Introspection.Client.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Introspection.Client.Tests.Security;

/// <summary>TLS and token settings fail at startup with the key to fix, not on the first call.</summary>
public sealed class ChannelSecurityOptionsValidationTests : IDisposable
{
    private readonly TestCertificates _authority = TestCertificates.CreateAuthority();

    public void Dispose() => _authority.Dispose();

    [Fact]
    public void Check_MissingCaFile_NamesTheKeyAndThePath()
    {
        var options = Options("https://127.0.0.1:1");
        options.RegistryChannel.Tls.CertificateAuthorityPath = "/nonexistent/ca.pem";
        options.ProviderChannel.Tls.CertificateAuthorityPath = "/nonexistent/other.pem";

        var errors = IntrospectionClientOptionsValidator.Check(options);

        Assert.Contains(errors, e => e.StartsWith("Introspection:Client:RegistryChannel:Tls:CertificateAuthorityPath:", StringComparison.Ordinal) && e.Contains("/nonexistent/ca.pem", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Introspection:Client:ProviderChannel:Tls:CertificateAuthorityPath:", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_KeyWithoutCertificate_Refused()
    {
        using var client = _authority.IssueClient("consumer");
        var (_, keyPath) = _authority.WritePem(client, "consumer");
        var options = Options("https://127.0.0.1:1");
        options.ProviderChannel.Tls.ClientKeyPath = keyPath;

        var error = Assert.Single(IntrospectionClientOptionsValidator.Check(options));

        Assert.StartsWith("Introspection:Client:ProviderChannel:Tls:ClientKeyPath: set without ClientCertificatePath", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_PemCertificateAndKeyFiles_Accepted()
    {
        using var client = _authority.IssueClient("consumer");
        var (certificatePath, keyPath) = _authority.WritePem(client, "consumer");
        var options = Options("https://127.0.0.1:1");
        options.RegistryChannel.Tls.CertificateAuthorityPath = _authority.AuthorityPemPath;
        options.RegistryChannel.Tls.ClientCertificatePath = certificatePath;
        options.RegistryChannel.Tls.ClientKeyPath = keyPath;
        options.RegistryChannel.Tls.TrustSystemRoots = false;

        Assert.Empty(IntrospectionClientOptionsValidator.Check(options));
    }

    [Fact]
    public void Check_CertificateWithoutKey_Refused()
    {
        using var client = _authority.IssueClient("consumer");
        var (certificatePath, _) = _authority.WritePem(client, "consumer");
        var options = Options("https://127.0.0.1:1");
        options.RegistryChannel.Tls.ClientCertificatePath = certificatePath;

        var error = Assert.Single(IntrospectionClientOptionsValidator.Check(options));

        Assert.StartsWith("Introspection:Client:RegistryChannel:Tls:ClientCertificatePath:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NoSystemTrustAndNoAuthority_Refused()
    {
        var options = Options("https://127.0.0.1:1");
        options.ProviderChannel.Tls.TrustSystemRoots = false;

        var error = Assert.Single(IntrospectionClientOptionsValidator.Check(options));

        Assert.StartsWith("Introspection:Client:ProviderChannel:Tls:TrustSystemRoots:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_TokenWithPlainTextRegistry_Refused()
    {
        var options = Options("http://127.0.0.1:1");
        options.RegistryChannel.AccessToken = "key-1";

        var error = Assert.Single(IntrospectionClientOptionsValidator.Check(options));

        Assert.StartsWith("Introspection:Client:RegistryChannel:AccessToken: a token is sent only over TLS", error, StringComparison.Ordinal);
        Assert.DoesNotContain("key-1", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_UnknownProviderScheme_Refused()
    {
        var options = Options("http://127.0.0.1:1");
        options.ProviderChannel.Scheme = "h2";

        Assert.Contains("Introspection:Client:ProviderChannel:Scheme: 'h2' must be http or https.", IntrospectionClientOptionsValidator.Check(options));
    }

    [Fact]
    public void Validate_Registrar_MissingCaFileFailsAtConstruction()
    {
        var options = new IntrospectionRegistrarOptions();
        options.Registries.Add("https://127.0.0.1:1");
        options.Channel.Tls.CertificateAuthorityPath = "/nonexistent/ca.pem";

        var result = new IntrospectionRegistrarOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Channel:Tls:CertificateAuthorityPath: the file '/nonexistent/ca.pem' does not exist.", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_Configuration_ReadsTlsAndTokenKeys()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Introspection:Client:Registries:0"] = "https://127.0.0.1:1",
            ["Introspection:Client:RegistryChannel:AccessToken"] = "key-1",
            ["Introspection:Client:RegistryChannel:Tls:CertificateAuthorityPath"] = _authority.AuthorityPemPath,
            ["Introspection:Client:ProviderChannel:Scheme"] = "https",
            ["Introspection:Client:ProviderChannel:Tls:RevocationMode"] = "Offline",
        }).Build();
        var options = new IntrospectionClientOptions();

        new IntrospectionClientConfigureOptions(configuration).Configure(options);

        Assert.Equal("key-1", options.RegistryChannel.AccessToken);
        Assert.Equal(_authority.AuthorityPemPath, options.RegistryChannel.Tls.CertificateAuthorityPath);
        Assert.Equal("https", options.ProviderChannel.Scheme);
        Assert.Equal(System.Security.Cryptography.X509Certificates.X509RevocationMode.Offline, options.ProviderChannel.Tls.RevocationMode);
        Assert.Empty(IntrospectionClientOptionsValidator.Check(options));
    }

    private static IntrospectionClientOptions Options(string registry)
    {
        var options = new IntrospectionClientOptions();
        options.Registries.Add(registry);
        return options;
    }
}
