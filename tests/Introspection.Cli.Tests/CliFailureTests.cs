using System.Net;

namespace Introspection.Cli.Tests;

/// <summary>Exit codes and error lines when the command line is wrong or the registry is not there.</summary>
public sealed class CliFailureTests
{
    [Fact]
    public async Task UnreachableRegistry_Exits3WithOneErrorLine()
    {
        var dead = $"http://127.0.0.1:{FreePort.Get(IPAddress.Loopback)}";
        foreach (var command in new[] { new[] { "apps" }, ["instances", "x"], ["health"], ["metadata", "x"], ["resolve", "a.B"], ["watch"] })
        {
            var result = await IntrospectTool.RunAsync([.. command, "--registry", dead, "--timeout", "3"]);
            Assert.True(result.ExitCode == 3, $"{string.Join(' ', command)}: {result}");
            Assert.Contains("unreachable", result.ErrorLine(), StringComparison.OrdinalIgnoreCase);
            Assert.Empty(result.Stdout);
        }
    }

    [Fact]
    public async Task UsageErrors_Exit2()
    {
        Assert.Equal(2, (await IntrospectTool.RunAsync("bogus")).ExitCode);
        Assert.Equal(2, (await IntrospectTool.RunAsync("instances")).ExitCode);
        Assert.Equal(2, (await IntrospectTool.RunAsync("apps", "--output", "yaml")).ExitCode);
        Assert.Equal(2, (await IntrospectTool.RunAsync("apps", "--registry", "not a url")).ExitCode);
        Assert.Equal(2, (await IntrospectTool.RunAsync("apps", "--config", "/nonexistent/introspect.json")).ExitCode);
        Assert.Equal(2, (await IntrospectTool.RunAsync("metadata", "x", "--revision", "NOT-A-REVISION")).ExitCode);
        Assert.Equal(2, (await IntrospectTool.RunAsync("apps", "--namespace", "bad namespace!")).ExitCode);
    }

    [Fact]
    public async Task Token_OverCleartext_IsRefusedNotSent()
    {
        // Nothing listens there: had the token been sent, the exit code would be 3 (unreachable), not 2.
        var dead = $"http://127.0.0.1:{FreePort.Get(IPAddress.Loopback)}";
        var result = await IntrospectTool.RunAsync("apps", "--registry", dead, "--token", "secret");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("only sent over https", result.ErrorLine(), StringComparison.Ordinal);

        var fromEnvironment = await IntrospectTool.RunAsync(["apps", "--registry", dead], new Dictionary<string, string> { ["INTROSPECT_TOKEN"] = "secret" });
        Assert.Equal(2, fromEnvironment.ExitCode);
    }

    [Fact]
    public async Task Help_ListsEveryCommand_Exits0()
    {
        var result = await IntrospectTool.RunAsync("--help");
        Assert.Equal(0, result.ExitCode);
        foreach (var command in new[] { "apps", "instances", "lookup", "metadata", "resolve", "watch", "health", "deregister" })
        {
            Assert.Contains("  " + command, result.Stdout, StringComparison.Ordinal);
        }
    }
}
