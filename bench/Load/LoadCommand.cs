using Introspection.Bench.Etcd;
using Introspection.Bench.Infrastructure;

namespace Introspection.Bench.Load;

/// <summary>The <c>load</c> subcommand: its options are defined by <see cref="LoadCommandLine"/>.</summary>
internal static class LoadCommand
{
    public const string JsonFile = "load-results.json";
    public const string CsvFile = "load-results.csv";
    public const string MarkdownFile = "load-results.md";
    public const string PlotFile = "load-sweep.png";

    /// <summary>Parses <paramref name="args"/> (what follows <c>load</c>) and runs the scenario; parse errors go to the console's error stream.</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken ct) => RunAsync(args, output, Console.Error, ct);

    /// <returns>
    /// 0 when every phase converged and the counts are what the scenario implies, 2 otherwise (results
    /// are written either way); 0 for <c>--help</c>; <see cref="BenchCommandLine.UsageError"/> when the
    /// arguments do not parse, with the reasons written to <paramref name="error"/>.
    /// </returns>
    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var commandLine = new LoadCommandLine();
        commandLine.Command.SetAction((parse, token) => RunScenarioAsync(commandLine.Bind(parse), "load " + string.Join(' ', args), output, token));
        return BenchCommandLine.InvokeAsync(commandLine.Command, args, output, error, ct);
    }

    private static async Task<int> RunScenarioAsync(LoadOptions options, string command, TextWriter output, CancellationToken ct)
    {
        var outDir = Path.GetFullPath(options.OutDirectory);
        Directory.CreateDirectory(outDir);
        var report = new LoadReport
        {
            Command = command,
            StartedUtc = DateTime.UtcNow,
            Machine = MachineInfo.Current(),
        };

        var sizes = options.Sweep.Count > 0
            ? options.Sweep.Select(n => Math.Max(1, n / options.Apps)).Distinct().ToList()
            : [options.InstancesPerApp];
        var healthy = true;
        foreach (var instancesPerApp in sizes)
        {
            var run = new LoadRunResult
            {
                Instances = options.Apps * instancesPerApp,
                Apps = options.Apps,
                InstancesPerApp = instancesPerApp,
                ServicesPerApp = options.ServicesPerApp,
                ParamsPerService = options.ParamsPerService,
                Consumers = options.Consumers,
                AppsPerConsumer = options.AppsPerConsumer,
                TtlMs = options.TtlMs,
                ScaleStep = options.ScaleStepFor(instancesPerApp),
            };
            foreach (var model in options.Models)
            {
                var result = model == ModelKind.FullEtcd
                    ? await new EtcdScenarioRunner(options, instancesPerApp, outDir, output).RunAsync(ct).ConfigureAwait(false)
                    : await new ScenarioRunner(options, model, instancesPerApp, outDir, output).RunAsync(ct).ConfigureAwait(false);
                healthy &= result.Warnings.Count == 0;
                switch (model)
                {
                    case ModelKind.Full:
                        run.Full = result;
                        break;
                    case ModelKind.FullEtcd:
                        run.FullEtcd = result;
                        break;
                    default:
                        run.Introspection = result;
                        break;
                }
            }

            if (run.Full is not null && run.Introspection is not null)
            {
                run.Ratios = LoadReport.Ratios(run.Full, run.Introspection);
            }

            if (run.FullEtcd is not null && run.Introspection is not null)
            {
                run.EtcdRatios = LoadReport.Ratios(run.FullEtcd, run.Introspection);
            }

            report.Runs.Add(run);
            await output.WriteLineAsync().ConfigureAwait(false);
            await output.WriteLineAsync(LoadReport.RunMarkdown(run)).ConfigureAwait(false);
            // Written after every size, so a long sweep that is stopped still leaves its results.
            WriteFiles(report, outDir);
        }

        await output.WriteLineAsync($"results: {Path.Combine(outDir, JsonFile)}, {CsvFile}, {MarkdownFile}, {PlotFile}").ConfigureAwait(false);
        return healthy ? 0 : 2;
    }

    private static void WriteFiles(LoadReport report, string outDir)
    {
        report.WriteJson(Path.Combine(outDir, JsonFile));
        report.WriteCsv(Path.Combine(outDir, CsvFile));
        File.WriteAllText(Path.Combine(outDir, MarkdownFile), $"<!-- {report.Command} -->\n\n" + report.ToMarkdown());
        SweepPlot.Write(report.Runs, Path.Combine(outDir, PlotFile));
    }
}
