namespace Introspection.FaultTests.Infrastructure;

/// <summary>
/// The samples' topology as processes: one registry (one or more nodes), two Greeter providers <c>a</c> and
/// <c>b</c>, and a consumer calling <c>greet.Greeter</c> every 50 ms. Disposing stops everything it started,
/// consumer first, even when the test failed half-way (each process is SIGCONTed before it is killed).
/// </summary>
public sealed class GreeterScenario : IAsyncDisposable
{
    /// <summary>The sample's lease TTL: what a crashed provider costs before the registry evicts it.</summary>
    public static readonly TimeSpan LeaseTtl = TimeSpan.FromSeconds(5);

    private readonly List<IAsyncDisposable> _owned = [];

    private GreeterScenario(IReadOnlyList<RegistryProcess> nodes)
    {
        Nodes = nodes;
        _owned.AddRange(nodes);
    }

    public IReadOnlyList<RegistryProcess> Nodes { get; }

    public RegistryProcess Registry => Nodes[0];

    /// <summary>The registry as providers and consumers are configured with it: every node, comma-separated (one registry).</summary>
    public string Registries => string.Join(",", Nodes.Select(n => n.Url));

    public ProcessProvider A { get; private set; } = null!;

    public ProcessProvider B { get; private set; } = null!;

    public ConsumerProcess Consumer { get; private set; } = null!;

    /// <summary>Starts the providers and the consumer against <paramref name="nodes"/>, which the scenario then owns.</summary>
    public static async Task<GreeterScenario> StartAsync(IReadOnlyList<RegistryProcess> nodes, string[]? providerSettings = null, string[]? consumerSettings = null)
    {
        var scenario = new GreeterScenario(nodes);
        try
        {
            var a = ProcessProvider.StartAsync(scenario.Registries, scenario.Registry.Client, "a", LeaseTtl, providerSettings ?? []);
            var b = ProcessProvider.StartAsync(scenario.Registries, scenario.Registry.Client, "b", LeaseTtl, providerSettings ?? []);
            try
            {
                await Task.WhenAll(a, b).WaitAsync(TimeSpan.FromSeconds(60));
            }
            finally
            {
                // Own whatever started, so a half-started scenario is still cleaned up.
                foreach (var started in new[] { a, b }.Where(t => t.IsCompletedSuccessfully))
                {
                    scenario._owned.Add(started.Result);
                }
            }

            scenario.A = a.Result;
            scenario.B = b.Result;
            scenario.Consumer = await ConsumerProcess.StartAsync(scenario.Registries, [scenario.A.Name, scenario.B.Name], settings: consumerSettings ?? []);
            scenario._owned.Add(scenario.Consumer);
        }
        catch
        {
            await scenario.DisposeAsync();
            throw;
        }

        return scenario;
    }

    public async ValueTask DisposeAsync()
    {
        // Newest first: the consumer, then providers, then the registry nodes.
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            try
            {
                await _owned[i].DisposeAsync();
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
                // Keep stopping the others.
            }
        }

        _owned.Clear();
    }

    /// <summary>Stops the consumer and asserts it saw no failed call (its own count and the lines it printed).</summary>
    public async Task AssertNoFailedCallsAsync()
    {
        var reported = await Consumer.StopAsync();
        Assert.True(reported == 0 && Consumer.Failures == 0, $"the consumer reported {reported} failed calls of {Consumer.Calls.Count}:{Environment.NewLine}{Consumer.DescribeFailures()}");
    }
}
