using Introspection.Bench.Infrastructure;
using Introspection.Bench.Load;

namespace Introspection.Bench.Capacity;

/// <summary>The <c>capacity</c> subcommand: see <see cref="CapacityOptions.Usage"/>.</summary>
internal static class CapacityCommand
{
    public const string JsonFile = "capacity-results.json";
    public const string MarkdownFile = "capacity-results.md";

    /// <returns>0 when every requested store was measured without warnings, 2 otherwise (results are written either way).</returns>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken ct)
    {
        var cl = new CommandArgs(args);
        if (cl.GetBool("help", false))
        {
            await output.WriteLineAsync(CapacityOptions.Usage).ConfigureAwait(false);
            return 0;
        }

        var options = CapacityOptions.Parse(cl);
        cl.ThrowOnUnknown();
        var outDir = Path.GetFullPath(options.OutDirectory);
        Directory.CreateDirectory(outDir);
        var report = new CapacityReport
        {
            Command = "capacity " + string.Join(' ', args),
            StartedUtc = DateTime.UtcNow,
            Machine = MachineInfo.Current(),
        };
        foreach (var store in options.Stores)
        {
            report.Stores.Add(await new CapacityRunner(options, store, outDir, output).RunAsync(ct).ConfigureAwait(false));
            report.WriteJson(Path.Combine(outDir, JsonFile));
        }

        var markdown = report.ToMarkdown();
        await File.WriteAllTextAsync(Path.Combine(outDir, MarkdownFile), $"<!-- {report.Command} -->\n\n" + markdown, ct).ConfigureAwait(false);
        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync(markdown).ConfigureAwait(false);
        await output.WriteLineAsync($"results: {Path.Combine(outDir, JsonFile)}, {MarkdownFile}").ConfigureAwait(false);
        return report.Stores.All(s => s.Error is null && s.Warnings.Count == 0) ? 0 : 2;
    }
}
