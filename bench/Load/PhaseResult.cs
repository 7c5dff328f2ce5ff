namespace Introspection.Bench.Load;

/// <summary>The figures of one phase of one model run (or their total).</summary>
internal sealed class PhaseResult
{
    public string Name { get; set; } = "";

    public double DurationSeconds { get; set; }

    /// <summary>Serialized size of every stored record at the end of the phase (a level, not a flow).</summary>
    public long StoredBytes { get; set; }

    public long StoredRecords { get; set; }

    /// <summary>Register, UpdateInstance, Deregister and MapService calls (re-registrations after NOT_FOUND included).</summary>
    public long WriteRpcs { get; set; }

    public long ReRegistrations { get; set; }

    public long Renewals { get; set; }

    public long RenewalsNotFound { get; set; }

    public long RenewalErrors { get; set; }

    public long WatchMessages { get; set; }

    public long WatchBytes { get; set; }

    public long WatchErrors { get; set; }

    public double RegistryCpuSeconds { get; set; }

    /// <summary>CPU of this process (providers, consumers, metadata endpoints): it shares the machine's cores with the registry.</summary>
    public double LoadGeneratorCpuSeconds { get; set; }

    /// <summary>Largest VmRSS sampled during the phase (total: VmHWM at the end of the run).</summary>
    public long PeakRssBytes { get; set; }

    /// <summary>GetMetadataInfo calls served by the metadata endpoints.</summary>
    public long MetadataRpcs { get; set; }

    public long MetadataBytes { get; set; }

    public long MetadataFetchErrors { get; set; }

    public long ConvergenceSamples { get; set; }

    public double ConvergenceP50Ms { get; set; }

    public double ConvergenceP99Ms { get; set; }

    public double ConvergenceMaxMs { get; set; }

    /// <summary>Time from the phase's last write ack until every consumer held the expected view.</summary>
    public double SettleMs { get; set; }

    /// <summary>Consumers that had not converged when the wait timed out (0 in a healthy run).</summary>
    public int UnconvergedConsumers { get; set; }
}
