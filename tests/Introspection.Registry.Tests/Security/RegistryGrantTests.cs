using Introspection.Registry.Security;

namespace Introspection.Registry.Tests.Security;

public sealed class RegistryGrantTests
{
    [Theory]
    [InlineData("prod:write:orders", "Write", "prod", "orders", true)]
    [InlineData("prod:write:orders", "Write", "prod", "orders-eu", false)]
    [InlineData("prod:write:orders-*", "Write", "prod", "orders-eu", true)]
    [InlineData("prod:write:orders-*", "Write", "prod", "payments", false)]
    [InlineData("prod:write:legacy:orders", "Write", "prod", "legacy:orders", true)]
    [InlineData("prod:write", "Write", "prod", "anything", true)]
    [InlineData("prod:write:orders", "Write", "staging", "orders", false)]
    [InlineData("prod:write:orders", "Read", "prod", null, false)]
    [InlineData("prod:read", "Write", "prod", "orders", false)]
    [InlineData("prod:read", "Read", "prod", null, true)]
    [InlineData("*:read", "Read", "anything", null, true)]
    [InlineData("prod:admin", "Write", "prod", "orders", true)]
    [InlineData("prod:admin", "Admin", "prod", null, true)]
    [InlineData("prod:write", "Admin", "prod", null, false)]
    [InlineData("*:admin", "Admin", "x", null, true)]
    public void Allows_Grant_AsDocumented(string text, string needed, string ns, string? app, bool allowed)
    {
        Assert.True(RegistryGrant.TryParse(text, out var grant, out var error), error);

        Assert.Equal(allowed, grant!.Allows(Enum.Parse<GrantLevel>(needed), ns, app));
    }

    [Theory]
    [InlineData("prod", "must be")]
    [InlineData("prod:read:orders:extra", "write grants only")]
    [InlineData("prod:owner", "level 'owner'")]
    [InlineData("pr od:read", "namespace")]
    [InlineData("prod:read:orders", "write grants only")]
    [InlineData("prod:write:or*ders", "app pattern")]
    public void TryParse_BadGrant_ErrorNamesIt(string text, string expected)
    {
        Assert.False(RegistryGrant.TryParse(text, out _, out var error));

        Assert.Contains(text, error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_BadGrantInConfiguration_FailsNamingTheKeyAndGrant()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => RegistryHost.StartAsync(
            "--Introspection:Registry:Security:ApiKeys:0:Name=orders",
            $"--Introspection:Registry:Security:ApiKeys:0:Sha256={SecuritySettings.Sha256Hex("k")}",
            "--Introspection:Registry:Security:ApiKeys:0:Grants:0=prod:writ:orders"));

        Assert.Contains("Introspection:Registry:Security:ApiKeys:0:Grants:0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("prod:writ:orders", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_KeyInsteadOfItsHash_FailsWithoutEchoingIt()
    {
        var key = SecuritySettings.NewKey();

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => RegistryHost.StartAsync(
            "--Introspection:Registry:Security:ApiKeys:0:Name=orders",
            $"--Introspection:Registry:Security:ApiKeys:0:Sha256={key}"));

        Assert.Contains("ApiKeys:0:Sha256", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, ex.Message, StringComparison.Ordinal);
    }
}
