using System.Diagnostics;
using Introspection.Protocol.Registry.V1;

namespace Introspection.Cli.Tests;

/// <summary>The commands that need real providers: verified metadata, resolution through the client library, watch.</summary>
public sealed class CliProviderTests : IAsyncLifetime
{
    private RegistryHost _registry = null!;
    private ProcessProvider _provider = null!;
    private Instance _instance = null!;

    public async Task InitializeAsync()
    {
        _registry = await RegistryHost.StartAsync();
        _provider = await ProcessProvider.StartAsync(_registry, "g-1", TimeSpan.FromSeconds(2));
        _instance = await ProcessProvider.FindAsync(_registry.Client, "g-1");
    }

    public async Task DisposeAsync()
    {
        await _provider.DisposeAsync();
        await _registry.DisposeAsync();
    }

    private string[] Args(params string[] args) => [.. args, "--registry", _registry.Url];

    [Fact]
    public async Task Metadata_FromTheProvider_IsVerifiedAgainstItsRevision()
    {
        var table = await IntrospectTool.RunAsync(Args("metadata", "greeter"));
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Matches(@"│ greet\.Greeter\s+│", table.Stdout);
        Assert.Contains("SayHello", table.Stdout, StringComparison.Ordinal);
        Assert.Contains($"revision {_instance.Revision}: verified", table.Stdout, StringComparison.Ordinal);

        var json = (await IntrospectTool.RunAsync(Args("metadata", "greeter", "--revision", _instance.Revision, "-o", "json"))).Json();
        Assert.True((bool)json["verified"]!);
        Assert.Equal("g-1", (string?)json["instance"]);
        var greeter = json["services"]!.AsArray().Single(s => (string?)s!["name"] == "greet.Greeter")!;
        Assert.Contains("SayHello", greeter["methods"]!.AsArray().Select(m => (string)m!));
    }

    [Fact]
    public async Task Metadata_RevisionNoInstanceRuns_Exits5()
    {
        var result = await IntrospectTool.RunAsync(Args("metadata", "greeter", "--revision", new string('e', 64)));
        Assert.Equal(5, result.ExitCode);
        Assert.Contains("no live instance", result.ErrorLine(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metadata_InstanceServesContentNotHashingToItsRevision_IsSkippedOrFails()
    {
        await using var liar = await LyingMetadataServer.StartAsync();
        // Same revision as the honest provider, listed first (ordinal instance ids): the CLI asks the liar first.
        await _registry.RegisterAsync("greeter", "a-liar", "127.0.0.1", liar.Port, _instance.Revision, ["greet.Greeter"]);
        var skipped = await IntrospectTool.RunAsync(Args("metadata", "greeter", "-o", "json"));
        Assert.True(skipped.ExitCode == 0, skipped.ToString());
        Assert.Equal("g-1", (string?)skipped.Json()["instance"]);
        Assert.DoesNotContain("Exfiltrate", skipped.Stdout, StringComparison.Ordinal);

        await _registry.RegisterAsync("mimic", "m-1", "127.0.0.1", liar.Port, _instance.Revision, ["greet.Greeter"]);
        var failed = await IntrospectTool.RunAsync(Args("metadata", "mimic"));
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("m-1", failed.ErrorLine(), StringComparison.Ordinal);
        Assert.Empty(failed.Stdout);
    }

    [Fact]
    public async Task Resolve_ThroughTheClientLibrary_ReturnsTheProvider()
    {
        var json = await IntrospectTool.RunAsync(Args("resolve", "greet.Greeter", "-o", "json"));
        Assert.True(json.ExitCode == 0, json.ToString());
        var endpoint = Assert.Single(json.Json()["endpoints"]!.AsArray())!;
        Assert.Equal("g-1", (string?)endpoint["instance"]);
        Assert.Equal(_instance.Port, (int)endpoint["port"]!);

        var table = await IntrospectTool.RunAsync(Args("resolve", "greet.Greeter", "--version", "1"));
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains($"127.0.0.1:{_instance.Port}", table.Stdout, StringComparison.Ordinal);

        // The provider serves greet.Greeter at version 1 only: another version resolves to nothing.
        var otherVersion = await IntrospectTool.RunAsync(Args("resolve", "greet.Greeter", "--version", "9", "--timeout", "3"));
        Assert.Equal(5, otherVersion.ExitCode);
        otherVersion.ErrorLine();

        var unmapped = await IntrospectTool.RunAsync(Args("resolve", "nobody.Serves"));
        Assert.Equal(5, unmapped.ExitCode);
    }

    [Fact]
    public async Task Watch_ShowsAChange_ThenExitsCleanlyOnCtrlC()
    {
        foreach (var json in new[] { true, false })
        {
            var lines = new List<string>();
            string[] args = json ? Args("watch", "greeter", "-o", "json") : Args("watch", "greeter");
            await using var watch = ChildProcess.StartDotnet("introspect watch", IntrospectTool.Dll, ["--config", EmptyConfig(), .. args], line =>
            {
                lock (lines)
                {
                    lines.Add(line);
                }
            });
            var id = json ? "w-json" : "w-table";
            await Poll.UntilAsync(() => Seen(lines, "g-1"), TestTimeouts.Long, "the watch printed its snapshot");
            await _registry.RegisterAsync("greeter", id, "127.0.0.1", 7100, _instance.Revision, ["greet.Greeter"]);
            await Poll.UntilAsync(() => Seen(lines, json ? "\"kind\":\"put\"" : "PUT    greeter/" + id), TestTimeouts.Long, "the watch printed the new instance");
            await _registry.DeregisterAsync("greeter", id);
            await Poll.UntilAsync(() => Seen(lines, json ? "\"kind\":\"delete\"" : "DELETE greeter/" + id), TestTimeouts.Long, "the watch printed its removal");

            await watch.SignalAsync("INT");
            Assert.True(await watch.WaitForExitAsync(TestTimeouts.Short), "watch exits on Ctrl+C");
            Assert.True(watch.ExitCode == 0, watch.OutputTail());
        }
    }

    private static bool Seen(List<string> lines, string text)
    {
        lock (lines)
        {
            return lines.Any(l => l.Contains(text, StringComparison.Ordinal));
        }
    }

    /// <summary>The watch runs through ChildProcess (signals), which has no environment of its own: an explicit empty config keeps the user's out.</summary>
    private static string EmptyConfig()
    {
        var path = Path.Combine(IntrospectTool.Home, "empty.json");
        File.WriteAllText(path, "{}");
        return path;
    }
}
