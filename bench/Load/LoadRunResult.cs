namespace Introspection.Bench.Load;

/// <summary>The models at one scenario size, with introspection / full (and introspection / full-etcd) ratios of the totals.</summary>
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

    /// <summary>The full model on a real etcd 3.4 (<c>full-etcd</c>).</summary>
    public ModelResult? FullEtcd { get; set; }

    /// <summary>Introspection total divided by full total, per metric (absent when a model did not run).</summary>
    public Dictionary<string, double> Ratios { get; set; } = [];

    /// <summary>Introspection total divided by full-etcd total, per metric (absent when either did not run).</summary>
    public Dictionary<string, double> EtcdRatios { get; set; } = [];

    /// <summary>The models that ran, in the order the tables show them.</summary>
    public IEnumerable<ModelResult> Models() => new[] { Full, FullEtcd, Introspection }.OfType<ModelResult>();
}
