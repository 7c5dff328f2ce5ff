using System.Net;
using System.Text.Json.Nodes;

namespace Introspection.Cli.Tests;

/// <summary>The registry reads and the admin write, against a real registry, in both output forms, with their exit codes.</summary>
public sealed class CliRegistryCommandTests : IAsyncLifetime
{
    private static readonly string s_revisionA = new('a', 64);
    private static readonly string s_revisionB = new('b', 64);
    private RegistryHost _registry = null!;

    public async Task InitializeAsync()
    {
        _registry = await RegistryHost.StartAsync();
        await _registry.RegisterAsync("billing", "b-1", "127.0.0.1", 7001, s_revisionA, ["billing.Invoices"]);
        await _registry.RegisterAsync("billing", "b-2", "127.0.0.1", 7002, s_revisionB, ["billing.Invoices"]);
        await _registry.RegisterAsync("audit", "a-1", "127.0.0.1", 7003, s_revisionA, ["audit.Log"]);
        await _registry.RegisterAsync("audit", "s-1", "127.0.0.1", 7004, s_revisionA, ["audit.Log"], @namespace: "staging");
    }

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    private string[] Args(params string[] args) => [.. args, "--registry", _registry.Url];

    [Fact]
    public async Task Apps_TableAndJson_ListAppsWithInstanceCounts()
    {
        var table = await IntrospectTool.RunAsync(Args("apps"));
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Matches(@"│ audit\s+│ 1\s+│", table.Stdout);
        Assert.Matches(@"│ billing\s+│ 2\s+│", table.Stdout);
        Assert.Empty(table.Stderr);

        var json = await IntrospectTool.RunAsync(Args("apps", "--output", "json"));
        Assert.Equal(0, json.ExitCode);
        var apps = json.Json()["apps"]!.AsArray();
        Assert.Equal(["audit:1", "billing:2"], apps.Select(a => $"{a!["app"]}:{a["instances"]}"));
        Assert.Equal("default", (string?)json.Json()["namespace"]);
    }

    [Fact]
    public async Task Apps_OtherNamespace_ListsOnlyItsApps()
    {
        var json = await IntrospectTool.RunAsync(Args("apps", "-o", "json", "--namespace", "staging"));
        Assert.Equal(0, json.ExitCode);
        Assert.Equal(["audit"], json.Json()["apps"]!.AsArray().Select(a => (string)a!["app"]!));
    }

    [Fact]
    public async Task Instances_TableAndJson_ShowAddressRevisionAndLabels()
    {
        var table = await IntrospectTool.RunAsync(Args("instances", "billing"));
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("127.0.0.1:7001", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("aaaaaaaaaaaa", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("2 instances, 2 revisions", table.Stdout, StringComparison.Ordinal);

        var json = (await IntrospectTool.RunAsync(Args("instances", "billing", "-o", "json"))).Json();
        var instances = json["instances"]!.AsArray();
        Assert.Equal(["b-1", "b-2"], instances.Select(i => (string)i!["instance"]!));
        Assert.Equal(s_revisionB, (string?)instances[1]!["revision"]);
        Assert.Equal(7002, (int)instances[1]!["port"]!);
    }

    [Fact]
    public async Task Instances_UnknownApp_Exits5WithOneErrorLine()
    {
        var result = await IntrospectTool.RunAsync(Args("instances", "nobody", "-o", "json"));
        Assert.Equal(5, result.ExitCode);
        Assert.Contains("'nobody'", result.ErrorLine(), StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task Lookup_MappedAndUnmapped()
    {
        var json = await IntrospectTool.RunAsync(Args("lookup", "billing.Invoices", "-o", "json"));
        Assert.Equal(0, json.ExitCode);
        Assert.Equal(["billing"], json.Json()["apps"]!.AsArray().Select(a => (string)a!));

        var table = await IntrospectTool.RunAsync(Args("lookup", "audit.Log"));
        Assert.Matches(@"│ audit\.Log\s+│ audit\s+│", table.Stdout);

        var missing = await IntrospectTool.RunAsync(Args("lookup", "nobody.Serves"));
        Assert.Equal(5, missing.ExitCode);
        Assert.Contains("nobody.Serves", missing.ErrorLine(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deregister_RemovesTheInstance_UnknownExits5()
    {
        var result = await IntrospectTool.RunAsync(Args("deregister", "audit", "a-1", "-o", "json"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True((long)result.Json()["revision"]! > 0);
        Assert.Empty(await _registry.InstancesAsync("audit"));

        var again = await IntrospectTool.RunAsync(Args("deregister", "audit", "a-1"));
        Assert.Equal(5, again.ExitCode);
        again.ErrorLine();
    }

    [Fact]
    public async Task Health_ServingRegistry_Exits0()
    {
        var table = await IntrospectTool.RunAsync(Args("health"));
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Matches(@"│ registry\s+│ SERVING\s+│", table.Stdout);
        Assert.Matches(@"│ eviction\s+│ SERVING\s+│", table.Stdout);

        var json = (await IntrospectTool.RunAsync(Args("health", "-o", "json"))).Json();
        Assert.True((bool)json["serving"]!);
    }

    [Fact]
    public async Task RegistryAddress_FromEnvironmentThenConfigFile_OptionWins()
    {
        var fromEnvironment = await IntrospectTool.RunAsync(["apps", "-o", "json"], new Dictionary<string, string> { ["INTROSPECT_REGISTRY"] = _registry.Url });
        Assert.True(fromEnvironment.ExitCode == 0, fromEnvironment.ToString());
        Assert.Equal(2, fromEnvironment.Json()["apps"]!.AsArray().Count);

        var config = Path.Combine(IntrospectTool.Home, $"config-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(config, new JsonObject { ["registry"] = _registry.Url, ["namespace"] = "staging", ["output"] = "json" }.ToJsonString());
        var fromConfig = await IntrospectTool.RunAsync("apps", "--config", config);
        Assert.True(fromConfig.ExitCode == 0, fromConfig.ToString());
        Assert.Equal(["audit"], fromConfig.Json()["apps"]!.AsArray().Select(a => (string)a!["app"]!));

        // The option beats the environment: an address nothing listens on fails although the variable is right.
        var dead = $"http://127.0.0.1:{FreePort.Get(IPAddress.Loopback)}";
        var optionWins = await IntrospectTool.RunAsync(["apps", "--registry", dead, "--timeout", "3"], new Dictionary<string, string> { ["INTROSPECT_REGISTRY"] = _registry.Url });
        Assert.Equal(3, optionWins.ExitCode);
    }

    [Fact]
    public async Task DefaultConfigFile_InHome_IsRead()
    {
        var home = Directory.CreateTempSubdirectory("introspect-home-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(home, ".config", "introspect"));
            await File.WriteAllTextAsync(Path.Combine(home, ".config", "introspect", "config.json"), new JsonObject { ["registry"] = _registry.Url }.ToJsonString());
            var result = await IntrospectTool.RunAsync(["apps", "-o", "json"], new Dictionary<string, string> { ["HOME"] = home, ["XDG_CONFIG_HOME"] = Path.Combine(home, ".config") });
            Assert.True(result.ExitCode == 0, result.ToString());
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
