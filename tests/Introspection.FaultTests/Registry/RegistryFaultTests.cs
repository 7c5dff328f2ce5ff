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

    private async Task<IReadOnlyList<Instance>> InstancesAsync() =>
        (await Scenario.Registry.Client.ListInstancesAsync(new ListInstancesRequest { App = "greeter" }, deadline: DateTime.UtcNow + TestTimeouts.Call)).Instances;
}
