namespace Introspection.Bench.Etcd.Compare;

/// <summary>What one round measured on one server.</summary>
internal sealed class CompareResult
{
    public int Round { get; set; }

    public string Server { get; set; } = "";

    public double RegistrationsPerSecond { get; set; }

    /// <summary>Server CPU per registration (registry: one Register; etcd: LeaseGrant + Put).</summary>
    public double CpuMicrosPerRegistration { get; set; }

    public double RenewalsPerSecond { get; set; }

    public double CpuMicrosPerRenewal { get; set; }

    /// <summary>(VmRSS after registering − VmRSS before) / instances.</summary>
    public double RssBytesPerInstance { get; set; }

    public double FirstDeliveryP50Ms { get; set; }

    public double FirstDeliveryP99Ms { get; set; }

    public double AllDeliveriesP50Ms { get; set; }

    public double AllDeliveriesP99Ms { get; set; }

    /// <summary>Server CPU of the fan-out phase per change (each change reaches every watcher).</summary>
    public double CpuMillisPerChange { get; set; }

    public long Deliveries { get; set; }

    public long ExpectedDeliveries { get; set; }

    public long PeakRssBytes { get; set; }

    public string? Error { get; set; }
}
