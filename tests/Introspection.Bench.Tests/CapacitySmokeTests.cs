using Introspection.Bench.Capacity;

namespace Introspection.Bench.Tests;

/// <summary>A tiny <c>capacity</c> run of the memory store end to end.</summary>
public sealed class CapacitySmokeTests : IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), "introspection-capacity-smoke-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Capacity_TinyMemoryRun_WritesConsistentResults()
    {
        var output = new StringWriter();
        var exit = await CapacityCommand.RunAsync(
            [
                "--store", "memory", "--instances", "2000", "--apps", "20", "--concurrency", "32", "--renew-seconds", "1",
                "--keepalive-streams", "4", "--watchers", "20", "--changes", "10", "--change-interval-ms", "20", "--out", _out,
            ],
            output,
            CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(exit == 0, output.ToString());
        Assert.True(File.Exists(Path.Combine(_out, CapacityCommand.MarkdownFile)));
        var report = CapacityReport.Read(Path.Combine(_out, CapacityCommand.JsonFile));
        var memory = Assert.Single(report.Stores);
        Assert.Null(memory.Error);
        Assert.Equal("memory", memory.Store);
        Assert.Equal(2000, memory.RegistrationsOk);
        Assert.Equal(0, memory.RegistrationErrors);
        Assert.True(memory.RegistrationsPerSecond > 0 && memory.RegistryCpuMsPerRegistration > 0);
        Assert.True(memory.Renewals > 0 && memory.RenewalsNotOk == 0);
        Assert.Equal(20 * 10, memory.ExpectedDeliveries);
        Assert.Equal(memory.ExpectedDeliveries, memory.Deliveries);
        Assert.True(memory.FanoutP50MsFromSend <= memory.FanoutP99MsFromSend);
        Assert.True(memory.FanoutP99MsFromAck <= memory.FanoutP99MsFromSend);
        Assert.True(memory.PeakRssBytes >= memory.RssAfterRegistrationBytes && memory.RssAfterRegistrationBytes > 0);
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
