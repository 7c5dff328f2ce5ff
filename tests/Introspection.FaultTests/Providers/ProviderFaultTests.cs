using Introspection.FaultTests.Infrastructure;
using Introspection.Protocol.Registry.V1;

namespace Introspection.FaultTests.Providers;

/// <summary>
/// One of two providers fails while a consumer process calls greet.Greeter every 50 ms (default client options:
/// round_robin and the UNAVAILABLE retry policy). README "Behaviour under failure": a crash and a stop cost no call.
/// </summary>
public sealed class ProviderFaultTests : IAsyncLifetime
{
    /// <summary>The provider keep-alive settings the SIGSTOP test expects (names to confirm at merge).</summary>
    private static readonly string[] s_providerKeepAliveSettings =
    [
        "--Introspection:Client:ProviderKeepAlivePingDelay=00:00:01",
        "--Introspection:Client:ProviderKeepAlivePingTimeout=00:00:01",
    ];

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
    public async Task ProviderKill_Sigkill_UnderSteadyCalls_NoFailedCalls()
    {
        var mark = Scenario.Consumer.Calls.Count;
        await Scenario.A.KillAsync();

        // Calls go on, all on b, across the eviction of a's lapsed lease.
        await Poll.UntilAsync(async () => !await ListsAsync("a"), TestTimeouts.Long, "the registry evicted the killed provider");
        await Scenario.Consumer.WaitForSuccessesAsync(mark, 40, Scenario.B.Name);
        Assert.DoesNotContain(Scenario.Consumer.Calls.Skip(Scenario.Consumer.Calls.Count - 20), c => c.Instance == Scenario.A.Name);
        await Scenario.AssertNoFailedCallsAsync();
    }

    [Fact]
    public async Task ProviderStop_Sigterm_UnderSteadyCalls_NoFailedCallsAndCleanExit()
    {
        var mark = Scenario.Consumer.Calls.Count;
        await Scenario.A.SignalAsync("TERM");

        // Deregister → propagation delay → drain → exit 0, within the provider's shutdown timeout.
        Assert.True(await Scenario.A.Process.WaitForExitAsync(TimeSpan.FromSeconds(40)), "the provider did not exit after SIGTERM");
        Assert.Equal(0, Scenario.A.Process.ExitCode);
        Assert.False(await ListsAsync("a"), "the stopped provider is still registered");
        await Scenario.Consumer.WaitForSuccessesAsync(mark, 40, Scenario.B.Name);
        await Scenario.AssertNoFailedCallsAsync();
    }

    [Fact]
    public async Task ProviderHang_Sigstop_CallsRecoverOnOtherProviderWithinBound()
    {
        // A frozen provider with a long lease: the registry keeps listing it for a minute, so only the consumer's
        // own connection health (keep-alive pings) can take it out of rotation within the bound, not an eviction.
        await using var frozen = await ProcessProvider.StartAsync(Scenario.Registry.Url, Scenario.Registry.Client, "frozen", TimeSpan.FromSeconds(60));
        await using var consumer = await ConsumerProcess.StartAsync(Scenario.Registry.Url, [Scenario.A.Name, Scenario.B.Name, frozen.Name], settings: s_providerKeepAliveSettings);
        await frozen.SignalAsync("STOP");
        var stoppedAt = DateTime.UtcNow;

        // Recovered = the last 20 calls all answered by a or b; bound: ping delay + timeout + one call deadline, generously.
        await Poll.UntilAsync(
            () => consumer.Calls.Where(c => c.At > stoppedAt).TakeLast(20) is var last && last.Count() == 20 && last.All(c => c.Instance != frozen.Name && !c.Failed),
            TimeSpan.FromSeconds(15),
            "calls recovered on providers a and b after provider 'frozen' froze (its lease is still live)");
        Assert.True(await ListsAsync("frozen"), "the frozen provider was evicted: the test no longer isolates connection health");
    }

    private async Task<bool> ListsAsync(string instanceId)
    {
        var list = await Scenario.Registry.Client.ListInstancesAsync(new ListInstancesRequest { App = "greeter" }, deadline: DateTime.UtcNow + TestTimeouts.Call);
        return list.Instances.Any(i => i.InstanceId == instanceId);
    }
}
