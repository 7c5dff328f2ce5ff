namespace Introspection.Cli.Tests;

/// <summary>TLS, mutual TLS and the bearer token, from the CLI's side: what it sends, to whom, and what it reports.</summary>
public sealed class CliSecurityTests : IAsyncLifetime
{
    private TestCertificates _ca = null!;
    private SecuredRegistryStub _registry = null!;

    public async Task InitializeAsync()
    {
        _ca = TestCertificates.CreateAuthority();
        _registry = await SecuredRegistryStub.StartAsync(_ca.IssueServer(), _ca.Authority);
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _ca.Dispose();
    }

    [Fact]
    public async Task Https_WithCaFileTokenAndClientCertificate_SendsBearerAndCertificate()
    {
        var (cert, key) = _ca.WritePem(_ca.IssueClient("operator-1"), "operator-1");
        var result = await IntrospectTool.RunAsync("apps", "-o", "json", "--registry", _registry.Url, "--ca-file", _ca.AuthorityPemPath, "--token", "s3cret", "--cert", cert, "--key", key);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("secured", (string?)result.Json()["apps"]![0]!["app"]);
        Assert.Contains(("Bearer s3cret", "operator-1"), _registry.Seen.ListApps);
    }

    [Fact]
    public async Task Https_TokenFromEnvironment_IsSent()
    {
        var result = await IntrospectTool.RunAsync(["apps", "--registry", _registry.Url, "--ca-file", _ca.AuthorityPemPath], new Dictionary<string, string> { ["INTROSPECT_TOKEN"] = "from-env" });
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(_registry.Seen.ListApps, c => c.Authorization == "Bearer from-env");
    }

    [Fact]
    public async Task Https_NoToken_Exits4Unauthenticated_DeniedToken_Exits4()
    {
        var anonymous = await IntrospectTool.RunAsync("apps", "--registry", _registry.Url, "--ca-file", _ca.AuthorityPemPath);
        Assert.Equal(4, anonymous.ExitCode);
        Assert.Contains("unauthenticated", anonymous.ErrorLine(), StringComparison.Ordinal);

        var denied = await IntrospectTool.RunAsync("apps", "--registry", _registry.Url, "--ca-file", _ca.AuthorityPemPath, "--token", "no-read");
        Assert.Equal(4, denied.ExitCode);
        Assert.Contains("permission denied", denied.ErrorLine(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Https_CertificateNotTrusted_FailsWithoutSendingTheToken()
    {
        var before = _registry.Seen.ListApps.Count;
        var result = await IntrospectTool.RunAsync("apps", "--registry", _registry.Url, "--token", "s3cret", "--timeout", "5");
        Assert.Equal(3, result.ExitCode);
        result.ErrorLine();
        Assert.Equal(before, _registry.Seen.ListApps.Count);
    }
}
