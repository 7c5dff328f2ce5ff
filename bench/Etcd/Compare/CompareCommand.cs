using System.Globalization;
using Introspection.Bench.Infrastructure;
using Introspection.Bench.Load;

namespace Introspection.Bench.Etcd.Compare;

/// <summary>
/// The <c>etcd-compare</c> subcommand: our registry (memory store) and etcd 3.4 measured by the same
/// harness, one fresh server per round and server, the two interleaved (registry, etcd, registry, etcd, ...)
/// so that a machine whose load drifts affects both alike.
/// </summary>
internal static class CompareCommand
{
    public const string JsonFile = "etcd-compare-results.json";
    public const string MarkdownFile = "etcd-compare-results.md";
    private const int Channels = 16;

    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken ct) => RunAsync(args, output, Console.Error, ct);

    /// <returns>0 when every round of both servers was measured completely, 2 otherwise; <see cref="BenchCommandLine.UsageError"/> for bad arguments.</returns>
    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var commandLine = new CompareCommandLine();
        commandLine.Command.SetAction((parse, token) => RunRoundsAsync(commandLine.Bind(parse), "etcd-compare " + string.Join(' ', args), output, token));
        return BenchCommandLine.InvokeAsync(commandLine.Command, args, output, error, ct);
    }

    private static async Task<int> RunRoundsAsync(CompareOptions options, string command, TextWriter output, CancellationToken ct)
    {
        var outDir = Path.GetFullPath(options.OutDirectory);
        Directory.CreateDirectory(outDir);
        var report = new CompareReport
        {
            Command = command,
            StartedUtc = DateTime.UtcNow,
            Machine = MachineInfo.Current(),
            LoadAverageAtStart = ReadLoadAverage(),
        };
        var runner = new CompareRunner(options, output);
        var registryDll = RegistryLocator.Find(options.RegistryDll);
        var registryArgs = new List<string>
        {
            // No lease lapses during a round, and no cap is what is measured.
            "--Introspection:Registry:Leases:MaxTtl=00:10:00",
            "--Kestrel:Limits:Http2:MaxStreamsPerConnection=10000",
            string.Create(CultureInfo.InvariantCulture, $"--Introspection:Registry:Limits:MaxInstancesPerNamespace={options.Instances + options.Changes + 1_000}"),
            string.Create(CultureInfo.InvariantCulture, $"--Introspection:Registry:Limits:MaxWatchStreamsPerNamespace={Math.Max(10_000, options.Watchers)}"),
        };
        registryArgs.AddRange(options.RegistryArgs);
        for (var round = 1; round <= options.Rounds; round++)
        {
            await using (var registry = await RegistryCompareTarget.StartAsync(
                registryDll, registryArgs, new Dictionary<string, string>(), Path.Combine(outDir, "logs", $"registry-round{round}.log"), Channels, ct).ConfigureAwait(false))
            {
                report.Results.Add(await runner.RunAsync(registry, round, ct).ConfigureAwait(false));
            }

            await using (var etcd = await EtcdCompareTarget.StartAsync(Path.Combine(outDir, "logs", $"etcd-round{round}.log"), Channels, ct).ConfigureAwait(false))
            {
                report.EtcdVersion = etcd.Version;
                report.Results.Add(await runner.RunAsync(etcd, round, ct).ConfigureAwait(false));
            }

            report.WriteJson(Path.Combine(outDir, JsonFile));
        }

        var markdown = report.ToMarkdown();
        await ResultsPublisher.PublishAsync(outDir, JsonFile, MarkdownFile, command, markdown, output, ct).ConfigureAwait(false);
        return report.Results.All(r => r.Error is null && r.Deliveries == r.ExpectedDeliveries) ? 0 : 2;
    }

    private static double ReadLoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }
}
