using Introspection.Bench.Load;

namespace Introspection.Bench.Tests.Etcd;

/// <summary>
/// A tiny <c>load --models full-etcd,introspection --sweep</c> end to end: a real etcd 3.4 process started by
/// the bench, real gRPC, every phase converged, and counts that follow from the scenario alone.
/// </summary>
public sealed class EtcdLoadSmokeTests : IDisposable
{
    private const int Apps = 2;
    private const int Services = 3;
    private const int Consumers = 3;
    private const int AppsPerConsumer = 2;
    private readonly string _out = Path.Combine(Path.GetTempPath(), "introspection-etcd-smoke-" + Guid.NewGuid().ToString("N"));

    [EtcdFact]
    public async Task Load_FullEtcdBesideIntrospection_ConvergesAndCountsWhatTheScenarioImplies()
    {
        var output = new StringWriter();
        var exit = await LoadCommand.RunAsync(
            [
                "--apps", $"{Apps}", "--services-per-app", $"{Services}", "--params-per-service", "4", "--consumers", $"{Consumers}",
                "--apps-per-consumer", $"{AppsPerConsumer}", "--sweep", "8,12", "--ttl-ms", "3000", "--steady-seconds", "2",
                "--scale-percent", "50", "--converge-timeout-s", "20", "--models", "full-etcd,introspection", "--out", _out,
            ],
            output,
            CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(3));

        Assert.True(exit == 0, output.ToString());
        var report = LoadReport.Read(Path.Combine(_out, LoadCommand.JsonFile));
        Assert.Equal([8, 12], report.Runs.Select(r => r.Instances));
        foreach (var run in report.Runs)
        {
            var etcd = run.FullEtcd!;
            var perApp = run.InstancesPerApp;
            Assert.Null(run.Full);
            Assert.Equal("full-etcd", etcd.Model);
            Assert.StartsWith("etcd Version: 3.4.", etcd.ServerVersion, StringComparison.Ordinal);
            Assert.Empty(etcd.Warnings);
            Assert.Equal(["subscribe", "register", "steady", "rolling-restart", "scale-out", "scale-in"], etcd.Phases.Select(p => p.Name));

            // Independent of the tool's arithmetic: a process start is LeaseGrant + a Put per service, a stop a
            // DeleteRange per service + LeaseRevoke; register starts all, the restart stops and starts all, the scale step starts and stops.
            var step = run.ScaleStep;
            const int start = 1 + Services;
            const int stop = Services + 1;
            Assert.Equal((Apps * perApp * (start + stop + start)) + (Apps * step * (start + stop)), etcd.Total.WriteRpcs - etcd.Total.ReRegistrations);

            // One key per (instance × service) once registered; scale-in leaves what the restart left.
            Assert.Equal(Apps * perApp * Services, etcd.Phases.Single(p => p.Name == "register").StoredRecords);
            Assert.Equal(etcd.Phases.Single(p => p.Name == "rolling-restart").StoredBytes, etcd.Phases.Single(p => p.Name == "scale-in").StoredBytes);
            Assert.Equal(Apps * (perApp + step) * Services, etcd.Phases.Single(p => p.Name == "scale-out").StoredRecords);

            // One watcher per service a consumer uses.
            Assert.Equal(Consumers * AppsPerConsumer * Services, etcd.WatchStreams);
            Assert.All(etcd.Phases, p => Assert.Equal(0, p.UnconvergedConsumers));
            Assert.True(etcd.Total.Renewals > 0, "the one lease per process is renewed");
            Assert.True(etcd.Total.PeakRssBytes > 0 && etcd.Total.RegistryCpuSeconds > 0, "etcd's process is measured");
            Assert.True(etcd.Total.ConvergenceSamples > 0 && etcd.Total.ConvergenceP50Ms <= etcd.Total.ConvergenceP99Ms);
            Assert.Equal(etcd.Total.WatchBytes, etcd.Phases.Sum(p => p.WatchBytes));

            // Reported beside introspection, with its own ratio column.
            Assert.True(run.EtcdRatios["storedBytes"] < 1, "introspection stores less than Dubbo 2 on etcd");
        }

        var markdown = await File.ReadAllTextAsync(Path.Combine(_out, LoadCommand.MarkdownFile)).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("| total | full | full-etcd | introspection | intro / full | intro / full-etcd |", markdown, StringComparison.Ordinal);
        Assert.Contains("| register | full-etcd |", markdown, StringComparison.Ordinal);
        Assert.Contains("### Sweep (totals, introspection / full-etcd", markdown, StringComparison.Ordinal);
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
