using Introspection.Bench.Load;

namespace Introspection.Bench.Tests;

/// <summary>A tiny <c>load</c> sweep end to end: real registry processes, real gRPC, real metadata endpoints.</summary>
public sealed class LoadSmokeTests : IDisposable
{
    private const int Apps = 2;
    private const int Services = 3;
    private const int Consumers = 3;
    private const int AppsPerConsumer = 2;
    private readonly string _out = Path.Combine(Path.GetTempPath(), "introspection-load-smoke-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Load_TinySweep_WritesConsistentResults()
    {
        var output = new StringWriter();
        var exit = await LoadCommand.RunAsync(
            [
                "--apps", $"{Apps}", "--services-per-app", $"{Services}", "--params-per-service", "4", "--consumers", $"{Consumers}",
                "--apps-per-consumer", $"{AppsPerConsumer}", "--ttl-ms", "1500", "--steady-seconds", "1", "--scale-percent", "50",
                "--sweep", "4,6", "--converge-timeout-s", "20", "--out", _out,
            ],
            output,
            CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(3));

        Assert.True(exit == 0, output.ToString());
        foreach (var file in new[] { LoadCommand.JsonFile, LoadCommand.CsvFile, LoadCommand.MarkdownFile, LoadCommand.PlotFile })
        {
            Assert.True(File.Exists(Path.Combine(_out, file)), file);
        }

        var png = await File.ReadAllBytesAsync(Path.Combine(_out, LoadCommand.PlotFile)).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);

        var report = LoadReport.Read(Path.Combine(_out, LoadCommand.JsonFile));
        Assert.Equal([4, 6], report.Runs.Select(r => r.Instances));
        foreach (var run in report.Runs)
        {
            var full = run.Full!;
            var intro = run.Introspection!;
            var step = run.ScaleStep;
            var perApp = run.InstancesPerApp;
            // Independent of the tool's own arithmetic: register + restart of every entry, plus the scale step twice.
            Assert.Equal((Apps * perApp * Services * 2) + (Apps * step * Services * 2), full.Total.WriteRpcs - full.Total.ReRegistrations);
            Assert.Equal(Apps + (Apps * perApp * 2) + (Apps * step * 2), intro.Total.WriteRpcs - intro.Total.ReRegistrations);

            Assert.True(intro.Total.StoredBytes < full.Total.StoredBytes, "introspection stores less");
            Assert.True(intro.Total.WatchBytes < full.Total.WatchBytes, "introspection pushes less");
            Assert.Equal(0, full.Total.MetadataRpcs);
            // One fetch per consumer per (app, revision): two builds of each app it calls.
            Assert.Equal(Consumers * AppsPerConsumer * 2, intro.Total.MetadataRpcs);

            foreach (var model in new[] { full, intro })
            {
                Assert.Empty(model.Warnings);
                Assert.Equal(["subscribe", "register", "steady", "rolling-restart", "scale-out", "scale-in"], model.Phases.Select(p => p.Name));
                Assert.Equal(model.Total.WriteRpcs, model.Phases.Sum(p => p.WriteRpcs));
                Assert.Equal(model.Total.Renewals, model.Phases.Sum(p => p.Renewals));
                Assert.Equal(model.Total.WatchMessages, model.Phases.Sum(p => p.WatchMessages));
                Assert.Equal(model.Total.WatchBytes, model.Phases.Sum(p => p.WatchBytes));
                Assert.Equal(model.Total.MetadataRpcs, model.Phases.Sum(p => p.MetadataRpcs));
                Assert.Equal(model.Total.RegistryCpuSeconds, model.Phases.Sum(p => p.RegistryCpuSeconds), 2);
                Assert.Equal(model.Total.StoredBytes, model.Phases.Max(p => p.StoredBytes));
                Assert.True(model.Total.Renewals > 0, "the steady phase renews");
                Assert.All(model.Phases, p => Assert.Equal(0, p.UnconvergedConsumers));
                Assert.True(model.Total.ConvergenceP50Ms <= model.Total.ConvergenceP99Ms);
                Assert.True(model.Total.PeakRssBytes > 0 && model.Total.RegistryCpuSeconds > 0);
                // Scale-in removes exactly what scale-out added: the stored state returns to the restart's.
                Assert.Equal(model.Phases.Single(p => p.Name == "rolling-restart").StoredBytes, model.Phases.Single(p => p.Name == "scale-in").StoredBytes);
            }

            // Entries stored at the end of registration: one per instance × service, or one per instance + one mapping row per service.
            Assert.Equal(Apps * perApp * Services, full.Phases.Single(p => p.Name == "register").StoredRecords);
            Assert.Equal((Apps * perApp) + (Apps * Services), intro.Phases.Single(p => p.Name == "register").StoredRecords);
        }

        var csv = await File.ReadAllLinesAsync(Path.Combine(_out, LoadCommand.CsvFile)).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1 + (2 * 2 * 7), csv.Length);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_out, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
