using Introspection.Bench.Infrastructure;
using Introspection.Bench.Load;
using Introspection.Registry;

namespace Introspection.Bench.RedisScale;

/// <summary>The <c>redis-scale</c> subcommand: its options are defined by <see cref="RedisScaleCommandLine"/>.</summary>
internal static class RedisScaleCommand
{
    public const string JsonFile = "redis-scale-results.json";
    public const string MarkdownFile = "redis-scale-results.md";

    /// <summary>Parses <paramref name="args"/> (what follows <c>redis-scale</c>) and runs; parse errors go to the console's error stream.</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken ct) => RunAsync(args, output, Console.Error, ct);

    /// <returns>0 when every node count was measured without warnings, 2 otherwise (results are written either way); 0 for <c>--help</c>.</returns>
    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var commandLine = new RedisScaleCommandLine();
        commandLine.Command.SetAction((parse, token) => RunNodeCountsAsync(commandLine.Bind(parse), "redis-scale " + string.Join(' ', args), output, token));
        return BenchCommandLine.InvokeAsync(commandLine.Command, args, output, error, ct);
    }

    private static async Task<int> RunNodeCountsAsync(RedisScaleOptions options, string command, TextWriter output, CancellationToken ct)
    {
        var outDir = Path.GetFullPath(options.OutDirectory);
        Directory.CreateDirectory(outDir);
        var report = new RedisScaleReport
        {
            Command = command,
            StartedUtc = DateTime.UtcNow,
            Machine = MachineInfo.Current(),
            DefaultTtlSeconds = new RegistryLeaseOptions().DefaultTtl.TotalSeconds,
        };
        foreach (var nodes in options.Nodes)
        {
            report.Runs.Add(await new RedisScaleRunner(options, nodes, outDir, output).RunAsync(ct).ConfigureAwait(false));
            report.WriteJson(Path.Combine(outDir, JsonFile));
        }

        var markdown = report.ToMarkdown();
        await ResultsPublisher.PublishAsync(outDir, JsonFile, MarkdownFile, report.Command, markdown, output, ct).ConfigureAwait(false);
        return report.Runs.All(r => r.Error is null && r.Warnings.Count == 0) ? 0 : 2;
    }
}
