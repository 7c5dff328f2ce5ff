using Introspection.FaultTests.Infrastructure;
using Introspection.Protocol.Registry.V1;

namespace Introspection.FaultTests.Registry;

/// <summary>
/// The (in-memory) registry fails while a consumer process calls greet.Greeter every 50 ms. README "Behaviour under
/// failure": consumers keep their cached view, providers re-register when the registry comes back empty.
/// </summary>
public sealed class RegistryFaultTests : IAsyncLifetime
{
    private GreeterScenario? _scenario;

    private GreeterScenario Scenario => _scenario!;

    public async Task InitializeAsync() => _scenario = await GreeterScenario.StartAsync([await RegistryProcess.StartAsync()]);

    public async Task DisposeAsync()
    {
        if (_scenario is not null)
        {
            await _scenario.DisposeAsync();
        }
    }

    [Fact]
    public async Task RegistryRestart_Sigkill_SamePortUnderSteadyCalls_NoFailedCallsAndRefilled()
    {
        await Scenario.Registry.KillAsync();
        var mark = Scenario.Consumer.Calls.Count;
        await Scenario.Consumer.WaitForSuccessesAsync(mark, 20);
        await Scenario.Registry.StartAgainAsync();

        // The empty registry refills: renewals answer NOT_FOUND and both providers register again.
        await Poll.UntilAsync(async () => (await InstancesAsync()).Count == 2, TestTimeouts.Long, "both providers registered again");
        mark = Scenario.Consumer.Calls.Count;
        await Scenario.Consumer.WaitForSuccessesAsync(mark, 20, Scenario.A.Name);
        await Scenario.Consumer.WaitForSuccessesAsync(mark, 20, Scenario.B.Name);
        await Scenario.AssertNoFailedCallsAsync();

        // A consumer that starts now must still find greet.Greeter: the refilled registry maps it again
        // (issue #10: "registry restarted empty → service resolves to nothing").
        var lookup = await Scenario.Registry.Client.LookupServiceAsync(new LookupServiceRequest { Service = "greet.Greeter" }, deadline: DateTime.UtcNow + TestTimeouts.Call);
        Assert.Contains("greeter", lookup.Apps);
    }

    [Fact]
    public async Task RegistryHang_Sigstop_ConsumerKeepsCallingFromCachedView()
    {
        // A frozen registry: the port accepts connections, nothing answers. Longer than a lease TTL and than the
        // consumer's registry call timeout, so every background loop has met the hang at least once.
        await Scenario.Registry.SignalAsync("STOP");
        var mark = Scenario.Consumer.Calls.Count;
        var stoppedAt = DateTime.UtcNow;
        await Poll.UntilAsync(() => DateTime.UtcNow - stoppedAt > TimeSpan.FromSeconds(8), TestTimeouts.Long, "8 s with the registry frozen");
        await Scenario.Consumer.WaitForSuccessesAsync(mark, 20, Scenario.A.Name);
        await Scenario.Consumer.WaitForSuccessesAsync(mark, 20, Scenario.B.Name);

        await Scenario.Registry.SignalAsync("CONT");
        mark = Scenario.Consumer.Calls.Count;
        await Poll.UntilAsync(async () => (await InstancesAsync()).Count == 2, TestTimeouts.Long, "both providers listed after the registry resumed");
        await Scenario.Consumer.WaitForSuccessesAsync(mark, 20);
        await Scenario.AssertNoFailedCallsAsync();
    }

    [Fact]
    public async Task ConsumerRestart_RegistryHung_StartsFromSnapshotAboutAsFastAsWithRegistry()
    {
        // The running consumer has written its view to disk (debounced 1 s); it stops like a restarted pod would.
        var snapshot = Scenario.Consumer.SnapshotPath;
        await Poll.UntilAsync(() => File.Exists(snapshot), TestTimeouts.Condition, "the consumer wrote its snapshot");
        await Scenario.Consumer.StopAsync();
        string[] expected = [Scenario.A.Name, Scenario.B.Name];

        // Baseline: the time from process start to an answer from both providers with a healthy registry.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using (await ConsumerProcess.StartAsync(Scenario.Registry.Url, expected, snapshot))
        {
        }

        var healthy = clock.Elapsed;

        // Same start with the registry frozen: the view comes from the snapshot, so it should cost about the same
        // (issue #10: "consumer restart with hung registry waits 5 s", the registry call timeout).
        await Scenario.Registry.SignalAsync("STOP");
        clock.Restart();
        await using var restarted = await ConsumerProcess.StartAsync(Scenario.Registry.Url, expected, snapshot);
        var hung = clock.Elapsed;
        await Scenario.Registry.SignalAsync("CONT");
        Assert.True(hung < healthy + TimeSpan.FromSeconds(3), $"with the registry hung the consumer needed {hung.TotalSeconds:F1} s to answer, {healthy.TotalSeconds:F1} s with it healthy");
        Assert.Equal(0, await restarted.StopAsync());
    }

    private async Task<IReadOnlyList<Instance>> InstancesAsync() =>
        (await Scenario.Registry.Client.ListInstancesAsync(new ListInstancesRequest { App = "greeter" }, deadline: DateTime.UtcNow + TestTimeouts.Call)).Instances;
}
