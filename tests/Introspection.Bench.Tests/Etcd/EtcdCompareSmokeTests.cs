using Introspection.Bench.Etcd.Compare;

namespace Introspection.Bench.Tests.Etcd;

/// <summary>A tiny <c>etcd-compare</c>: a fresh registry and a fresh etcd, both measured completely by the same harness.</summary>
public sealed class EtcdCompareSmokeTests : IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), "introspection-etcd-compare-smoke-" + Guid.NewGuid().ToString("N"));

    [EtcdFact]
    public async Task Compare_OneRound_MeasuresBothServersCompletely()
    {
        var output = new StringWriter();
        var exit = await CompareCommand.RunAsync(
            ["--rounds", "1", "--instances", "100", "--renew-seconds", "1", "--watchers", "5", "--changes", "4", "--changes-per-second", "20", "--out", _out],
            output,
            CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(3));

        Assert.True(exit == 0, output.ToString());
        var report = CompareReport.Read(Path.Combine(_out, CompareCommand.JsonFile));
        Assert.StartsWith("etcd Version: 3.4.", report.EtcdVersion, StringComparison.Ordinal);
        Assert.Equal(["registry", "etcd"], report.Results.Select(r => r.Server));
        Assert.All(report.Results, r =>
        {
            Assert.Null(r.Error);
            Assert.True(r.RegistrationsPerSecond > 0 && r.RenewalsPerSecond > 0, r.Server);
            Assert.True(r.CpuMicrosPerRegistration > 0 && r.CpuMicrosPerRenewal > 0, r.Server);
            // Every change reached every watcher, and the first delivery is never later than the median of all.
            Assert.Equal(5 * 4, r.Deliveries);
            Assert.True(r.FirstDeliveryP50Ms <= r.AllDeliveriesP50Ms, r.Server);
        });
        var markdown = await File.ReadAllTextAsync(Path.Combine(_out, CompareCommand.MarkdownFile)).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("| median of rounds | registry | etcd | registry / etcd |", markdown, StringComparison.Ordinal);
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
