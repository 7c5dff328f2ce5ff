namespace Introspection.Bench.Infrastructure;

/// <summary>
/// The last step of every load tool: the Markdown report written beside the JSON (with the command that made
/// it in a leading comment), then printed, then where both files are.
/// </summary>
internal static class ResultsPublisher
{
    public static async Task PublishAsync(string outDir, string jsonFile, string markdownFile, string command, string markdown, TextWriter output, CancellationToken ct)
    {
        await File.WriteAllTextAsync(Path.Combine(outDir, markdownFile), $"<!-- {command} -->\n\n" + markdown, ct).ConfigureAwait(false);
        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync(markdown).ConfigureAwait(false);
        await output.WriteLineAsync($"results: {Path.Combine(outDir, jsonFile)}, {markdownFile}").ConfigureAwait(false);
    }
}
