namespace Introspection.Bench.Load;

/// <summary>Both models at one scenario size, with introspection / full ratios of the totals.</summary>
internal sealed class LoadRunResult
{
    public int Instances { get; set; }

    public int Apps { get; set; }

    public int InstancesPerApp { get; set; }

    public int ServicesPerApp { get; set; }

    public int ParamsPerService { get; set; }

    public int Consumers { get; set; }

    public int AppsPerConsumer { get; set; }

    public int TtlMs { get; set; }

    public int ScaleStep { get; set; }

    public ModelResult? Full { get; set; }

    public ModelResult? Introspection { get; set; }

    /// <summary>Introspection total divided by full total, per metric (absent when a model did not run).</summary>
    public Dictionary<string, double> Ratios { get; set; } = [];
}
