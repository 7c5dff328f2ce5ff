namespace Introspection.Bench.Load;

/// <summary>The run's total of any model's phases: flows summed, levels at their largest.</summary>
internal static class PhaseTotals
{
    /// <summary>
    /// Flows summed, levels (stored bytes, settle time, unconverged consumers) at their largest, and
    /// <paramref name="vmHwm"/> (the server's VmHWM at the end) as the peak RSS of the whole run.
    /// Convergence is not filled here (<see cref="ConvergenceRecorder.FillTotal"/>).
    /// </summary>
    public static PhaseResult Sum(IReadOnlyList<PhaseResult> phases, long vmHwm) => new()
    {
        Name = "total",
        DurationSeconds = Math.Round(phases.Sum(p => p.DurationSeconds), 2),
        StoredBytes = phases.Max(p => p.StoredBytes),
        StoredRecords = phases.Max(p => p.StoredRecords),
        WriteRpcs = phases.Sum(p => p.WriteRpcs),
        ReRegistrations = phases.Sum(p => p.ReRegistrations),
        Renewals = phases.Sum(p => p.Renewals),
        RenewalsNotFound = phases.Sum(p => p.RenewalsNotFound),
        RenewalErrors = phases.Sum(p => p.RenewalErrors),
        WatchMessages = phases.Sum(p => p.WatchMessages),
        WatchBytes = phases.Sum(p => p.WatchBytes),
        WatchErrors = phases.Sum(p => p.WatchErrors),
        RegistryCpuSeconds = Math.Round(phases.Sum(p => p.RegistryCpuSeconds), 2),
        LoadGeneratorCpuSeconds = Math.Round(phases.Sum(p => p.LoadGeneratorCpuSeconds), 2),
        PeakRssBytes = vmHwm,
        MetadataRpcs = phases.Sum(p => p.MetadataRpcs),
        MetadataBytes = phases.Sum(p => p.MetadataBytes),
        MetadataFetchErrors = phases.Sum(p => p.MetadataFetchErrors),
        SettleMs = phases.Max(p => p.SettleMs),
        UnconvergedConsumers = phases.Max(p => p.UnconvergedConsumers),
    };
}
