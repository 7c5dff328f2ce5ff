namespace Introspection.Bench.Load;

/// <summary>One model run on a fresh registry (or etcd) process.</summary>
internal sealed class ModelResult
{
    public string Model { get; set; } = "";

    public int Processes { get; set; }

    public int RegistryEntries { get; set; }

    public int Consumers { get; set; }

    public int WatchStreams { get; set; }

    /// <summary>Write RPCs the scenario implies (without re-registrations after NOT_FOUND).</summary>
    public long ExpectedWriteRpcs { get; set; }

    /// <summary>CPU the registry process used to start, before the first phase (not in any phase).</summary>
    public double StartupCpuSeconds { get; set; }

    /// <summary>CPU of the unmeasured warm-up (every RPC exercised in another namespace, then idle).</summary>
    public double WarmUpCpuSeconds { get; set; }

    public List<PhaseResult> Phases { get; set; } = [];

    public PhaseResult Total { get; set; } = new();

    public List<string> RegistryArgs { get; set; } = [];

    public Dictionary<string, string> RegistryEnvironment { get; set; } = [];

    public string RegistryLog { get; set; } = "";

    /// <summary>The server's own version line when it is not our registry (full-etcd: "etcd Version: 3.4.x").</summary>
    public string? ServerVersion { get; set; }

    public List<string> Warnings { get; set; } = [];
}
