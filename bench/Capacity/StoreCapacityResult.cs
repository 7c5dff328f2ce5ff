namespace Introspection.Bench.Capacity;

/// <summary>What one registry node with one store achieved.</summary>
internal sealed class StoreCapacityResult
{
    public string Store { get; set; } = "";

    /// <summary>Set when the store could not be measured (e.g. the registry build has no such store); then nothing else is.</summary>
    public string? Error { get; set; }

    public int Instances { get; set; }

    public int RegistrationsOk { get; set; }

    public int RegistrationErrors { get; set; }

    public double RegistrationSeconds { get; set; }

    public double RegistrationsPerSecond { get; set; }

    /// <summary>Registry process CPU per registration (plus redis-server CPU for the redis store, reported apart).</summary>
    public double RegistryCpuMsPerRegistration { get; set; }

    public double RedisCpuMsPerRegistration { get; set; }

    public long RssBaselineBytes { get; set; }

    public long RssAfterRegistrationBytes { get; set; }

    /// <summary>(RSS after registering − RSS before) / instances, of the registry process.</summary>
    public double RegistryRssBytesPerInstance { get; set; }

    /// <summary>The same for redis-server (redis store only).</summary>
    public double RedisRssBytesPerInstance { get; set; }

    /// <summary>Memory at each <c>--sizes</c> count on the way, and at the final count.</summary>
    public List<CapacitySizePoint> Sizes { get; set; } = [];

    /// <summary>Managed heap after the last GC once all instances were registered; null when not exposed.</summary>
    public double? HeapBytesPerInstance { get; set; }

    /// <summary>GC pause time during registration (registry's System.Runtime meter); null when not exposed.</summary>
    public double? RegistrationGcPauseMs { get; set; }

    public string RegistrationGcCollections { get; set; } = "n/a";

    public double? RenewalGcPauseMs { get; set; }

    public long Renewals { get; set; }

    public long RenewalsNotOk { get; set; }

    public double RenewalSeconds { get; set; }

    public double RenewalsPerSecond { get; set; }

    public double RegistryCpuMsPerRenewal { get; set; }

    public double RedisCpuMsPerRenewal { get; set; }

    /// <summary>The paced phase's TTL (0: not run): every instance renewed once per TTL/3.</summary>
    public int PacedRenewTtlMs { get; set; }

    public double PacedRenewSeconds { get; set; }

    /// <summary>Instances / (TTL/3): the rate the schedule asks for.</summary>
    public double PacedRenewTargetPerSecond { get; set; }

    public double PacedRenewalsPerSecond { get; set; }

    public long PacedRenewals { get; set; }

    public long PacedRenewalsNotOk { get; set; }

    /// <summary>The longest time one lease went without an acknowledged renewal during the phase.</summary>
    public double PacedRenewMaxGapMs { get; set; }

    /// <summary>Distinct leases that went longer than the TTL without an acknowledged renewal (they would have lapsed).</summary>
    public long PacedRenewLapses { get; set; }

    public double PacedRenewRegistryCpuMsPerRenewal { get; set; }

    public double? PacedRenewGcPauseMs { get; set; }

    public int Watchers { get; set; }

    /// <summary>Registry RSS growth from opening the watch streams (after their snapshots), per stream.</summary>
    public double RssBytesPerWatcher { get; set; }

    public int Changes { get; set; }

    public long Deliveries { get; set; }

    public long ExpectedDeliveries { get; set; }

    /// <summary>Change → delivered, measured from the moment the write was sent.</summary>
    public double FanoutP50MsFromSend { get; set; }

    public double FanoutP99MsFromSend { get; set; }

    /// <summary>Change → delivered, measured from the write's acknowledgement (negative clamped to 0).</summary>
    public double FanoutP50MsFromAck { get; set; }

    public double FanoutP99MsFromAck { get; set; }

    public double FanoutMaxMsFromSend { get; set; }

    public double RegistryCpuMsPerChange { get; set; }

    public double RegistryCpuUsPerDelivery { get; set; }

    public long PeakRssBytes { get; set; }

    /// <summary>CPU seconds the load generator (this process) used during the registration and renewal tests: it shares the machine's cores.</summary>
    public double LoadGeneratorCpuSecondsRegistration { get; set; }

    public double LoadGeneratorCpuSecondsRenewal { get; set; }

    public double RegistryCpuSecondsRegistration { get; set; }

    public double RegistryCpuSecondsRenewal { get; set; }

    public List<string> RegistryArgs { get; set; } = [];

    public Dictionary<string, string> RegistryEnvironment { get; set; } = [];

    public List<string> Warnings { get; set; } = [];
}
