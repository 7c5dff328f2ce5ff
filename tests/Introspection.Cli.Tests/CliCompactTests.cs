namespace Introspection.Cli.Tests;

/// <summary>
/// The CLI reads instance records in the compact form (protocol/COMPACT.md): records sharing an app and a revision
/// print exactly as before, and an answer it cannot expand exits 1 naming the bad ref.
/// </summary>
public sealed class CliCompactTests
{
    private static readonly string s_revision = new('c', 64);

    [Fact]
    public async Task Instances_ThreeOfOneBuild_PrintAppAndRevisionOfEach()
    {
        await using var registry = await RegistryHost.StartAsync();
        foreach (var (id, port) in new[] { ("o-1", 7001), ("o-2", 7002), ("o-3", 7003) })
        {
            await registry.RegisterAsync("orders", id, "127.0.0.1", port, s_revision, ["shop.Orders"]);
        }

        var json = (await IntrospectTool.RunAsync("instances", "orders", "-o", "json", "--registry", registry.Url)).Json();

        var instances = json["instances"]!.AsArray();
        Assert.Equal(3, instances.Count);
        Assert.All(instances, i => Assert.Equal(s_revision, (string?)i!["revision"]));
    }

    [Theory]
    [InlineData("instances", "orders")]
    [InlineData("metadata", "orders")]
    [InlineData("watch", "orders")]
    public async Task Command_RegistrySendsRefOutsideTable_Exits1NamingTheRef(string command, string app)
    {
        await using var registry = await BadRefRegistryStub.StartAsync();

        var result = await IntrospectTool.RunAsync(command, app, "-o", "json", "--registry", registry.Url, "--timeout", "5");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("app_ref 2 is outside app_table", result.ErrorLine(), StringComparison.Ordinal);
    }
}
