using Introspection.Bench.Infrastructure;
using Introspection.Bench.Load;

namespace Introspection.Bench.Capacity;

/// <summary>The <c>capacity</c> subcommand: its options are defined by <see cref="CapacityCommandLine"/>.</summary>
internal static class CapacityCommand
{
    public const string JsonFile = "capacity-results.json";
    public const string MarkdownFile = "capacity-results.md";

    /// <summary>Parses <paramref name="args"/> (what follows <c>capacity</c>) and runs; parse errors go to the console's error stream.</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken ct) => RunAsync(args, output, Console.Error, ct);

    /// <returns>
    /// 0 when every requested store was measured without warnings, 2 otherwise (results are written
    /// either way); 0 for <c>--help</c>; <see cref="BenchCommandLine.UsageError"/> when the arguments do
    /// not parse, with the reasons written to <paramref name="error"/>.
    /// </returns>
    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var commandLine = new CapacityCommandLine();
        commandLine.Command.SetAction((parse, token) => RunStoresAsync(commandLine.Bind(parse), "capacity " + string.Join(' ', args), output, token));
        return BenchCommandLine.InvokeAsync(commandLine.Command, args, output, error, ct);
    }

    private static async Task<int> RunStoresAsync(CapacityOptions options, string command, TextWriter output, CancellationToken ct)
    {
        var outDir = Path.GetFullPath(options.OutDirectory);
        Directory.CreateDirectory(outDir);
        var report = new CapacityReport
        {
            Command = command,
            StartedUtc = DateTime.UtcNow,
            Machine = MachineInfo.Current(),
        };
        foreach (var store in options.Stores)
        {
            report.Stores.Add(await new CapacityRunner(options, store, outDir, output).RunAsync(ct).ConfigureAwait(false));
            report.WriteJson(Path.Combine(outDir, JsonFile));
        }

        var markdown = report.ToMarkdown();
        await ResultsPublisher.PublishAsync(outDir, JsonFile, MarkdownFile, report.Command, markdown, output, ct).ConfigureAwait(false);
        return report.Stores.All(s => s.Error is null && s.Warnings.Count == 0) ? 0 : 2;
    }
}
