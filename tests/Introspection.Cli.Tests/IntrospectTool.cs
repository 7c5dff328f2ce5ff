using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Introspection.Cli.Tests;

/// <summary>
/// Runs the built tool (<c>dotnet introspect.dll …</c>) as a child process with its stdout and stderr kept apart
/// (the CLI's contract: results on stdout, one error line on stderr) and a private HOME, so a config file of the
/// machine's user is never read. Long-running commands (<c>watch</c>) go through <see cref="ChildProcess"/>.
/// </summary>
internal static class IntrospectTool
{
    public static string Dll => ChildProcess.LocateBuiltApp(Path.Combine("cli", "Introspection.Cli"), "introspect.dll");

    /// <summary>An empty HOME for every run: the default config path (~/.config/introspect) does not exist there.</summary>
    public static readonly string Home = Directory.CreateTempSubdirectory("introspect-home-").FullName;

    public static async Task<ToolResult> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(ChildProcess.DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["HOME"] = Home;
        info.Environment["XDG_CONFIG_HOME"] = Path.Combine(Home, ".config");
        info.Environment.Remove("INTROSPECT_REGISTRY");
        info.Environment.Remove("INTROSPECT_TOKEN");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the tool");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TestTimeouts.Long);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"introspect {string.Join(' ', args)} did not exit: {await stdout}{await stderr}");
        }

        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }

    public static Task<ToolResult> RunAsync(params string[] args) => RunAsync(args, null);
}

/// <summary>What one run of the tool did.</summary>
internal sealed record ToolResult(int ExitCode, string Stdout, string Stderr)
{
    public JsonNode Json() => JsonNode.Parse(Stdout) ?? throw new InvalidOperationException("no JSON on stdout");

    /// <summary>The one error line the CLI promises, or a failure naming what it wrote instead.</summary>
    public string ErrorLine()
    {
        var lines = Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got: {Stderr}");
        Assert.StartsWith("introspect: ", lines[0], StringComparison.Ordinal);
        return lines[0];
    }

    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}
