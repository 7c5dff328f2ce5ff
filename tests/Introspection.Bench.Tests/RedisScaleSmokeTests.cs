using Introspection.Bench.RedisScale;

namespace Introspection.Bench.Tests;

/// <summary>A tiny <c>redis-scale</c> run (one and two registry nodes on one redis-server) end to end.</summary>
public sealed class RedisScaleSmokeTests : IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), "introspection-redis-scale-smoke-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task RedisScale_TinyRunOnOneAndTwoNodes_WritesConsistentResultsAndCeiling()
    {
        var output = new StringWriter();
        var exit = await RedisScaleCommand.RunAsync(
            [
                "--nodes", "1,2", "--instances", "300", "--apps", "10", "--concurrency", "16", "--renew-seconds", "1",
                "--single-streams", "8", "--burst-streams", "2", "--burst-window", "32", "--out", _out,
            ],
            output,
            CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(3));

        Assert.True(exit == 0, output.ToString());
        var markdown = await File.ReadAllTextAsync(Path.Combine(_out, RedisScaleCommand.MarkdownFile));
        Assert.Contains("instances = renewals/s × TTL/3", markdown, StringComparison.Ordinal);
        var report = RedisScaleReport.Read(Path.Combine(_out, RedisScaleCommand.JsonFile));
        Assert.Equal(15, report.DefaultTtlSeconds);
        Assert.Equal([1, 2], report.Runs.Select(r => r.Nodes));
        foreach (var run in report.Runs)
        {
            Assert.Null(run.Error);
            Assert.Equal(300, run.Registration!.Ok);
            Assert.Equal(0, run.Registration.Failed);
            Assert.True(run.Registration.RegistryCpuUsPerOp > 0 && run.Registration.RedisCpuSeconds >= 0);
            Assert.True(run.SingleLeaseRenewal!.Ok > 0 && run.SingleLeaseRenewal.Failed == 0);
            Assert.True(run.BurstRenewal!.Ok > 0 && run.BurstRenewal.Failed == 0);
        }

        var one = report.Runs[0].BurstRenewal!;
        Assert.Contains($"= {RedisScaleReport.Ceiling(one.PerSecond, 15):F0} live instances", markdown, StringComparison.Ordinal);
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
