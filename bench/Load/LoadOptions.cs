namespace Introspection.Bench.Load;

/// <summary>
/// The <c>load</c> scenario. The initial values are the defaults: <see cref="LoadCommandLine"/> takes
/// them from here, and <c>load --help</c> prints them.
/// </summary>
internal sealed class LoadOptions
{
    public int Apps { get; init; } = 20;

    public int InstancesPerApp { get; init; } = 50;

    public int ServicesPerApp { get; init; } = 10;

    public int ParamsPerService { get; init; } = 20;

    public int MethodsPerService { get; init; } = 5;

    public int Consumers { get; init; } = 50;

    public int AppsPerConsumer { get; init; } = 5;

    public int TtlMs { get; init; } = 6000;

    public int SteadySeconds { get; init; } = 6;

    public int ScalePercent { get; init; } = 20;

    public int Concurrency { get; init; } = 32;

    public int MetadataServers { get; init; } = 8;

    public int ConvergeTimeoutSeconds { get; init; } = 60;

    /// <summary>Total instance counts to run; empty: one run with <see cref="InstancesPerApp"/>.</summary>
    public IReadOnlyList<int> Sweep { get; init; } = [];

    public IReadOnlyList<ModelKind> Models { get; init; } = [ModelKind.Full, ModelKind.Introspection];

    public string OutDirectory { get; init; } = "load-results";

    /// <summary>The registry to start; null: the one built beside the bench.</summary>
    public string? RegistryDll { get; init; }

    /// <summary>Extra registry configuration, each as <c>--Key=Value</c>.</summary>
    public IReadOnlyList<string> RegistryArgs { get; init; } = [];

    /// <summary>
    /// Environment of the registry process. By default tiered compilation is off: code is compiled
    /// fully optimized at first use, so no phase pays for JIT tier-up.
    /// </summary>
    public IReadOnlyDictionary<string, string> RegistryEnvironment { get; init; } = new Dictionary<string, string> { ["DOTNET_TieredCompilation"] = "0" };

    /// <summary>Instances added (and later removed) per app.</summary>
    public int ScaleStepFor(int instancesPerApp) => Math.Max(1, (int)Math.Ceiling(instancesPerApp * ScalePercent / 100.0));
}
