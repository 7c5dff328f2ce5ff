using Introspection.Bench.Infrastructure;
namespace Introspection.Bench.Load;

/// <summary>
/// Runs one scenario phase the same way for every model: begin the meter, run the phase with a
/// progress line every 5 s, fail if the server died, wait for every consumer to converge, end the
/// meter, then measure the stored state (outside the phase's figures).
/// </summary>
/// <param name="tag">Progress prefix, e.g. <c>[full 1000]</c>.</param>
/// <param name="serverName">The measured server in messages ("registry", "etcd").</param>
/// <param name="logDirectory">Where the server's log is, for the message when it exits.</param>
/// <param name="convergeTimeoutSeconds">The convergence wait's limit, for the warning when it ran out.</param>
/// <param name="progress">Where progress lines go.</param>
internal sealed class PhaseDriver(string tag, string serverName, string logDirectory, int convergeTimeoutSeconds, TextWriter progress)
{
    public async Task<PhaseResult> RunAsync(
        ScenarioPhase phase,
        IPhaseMeter meter,
        Func<CancellationToken, Task<(int Unconverged, double SettleMs)>> waitConverged,
        Func<bool> serverExited,
        List<string> warnings,
        CancellationToken ct)
    {
        meter.Begin();
        progress.WriteLine($"{tag} phase {phase.Name} ...");
        using var ticker = new Ticker(
            TimeSpan.FromSeconds(5),
            () =>
            {
                var d = meter.CountersSinceBegin;
                progress.WriteLine($"{tag}   {phase.Name} {meter.Elapsed.TotalSeconds:F0} s: writes {d.WriteRpcs}, renewals {d.Renewals}, watch msgs {d.WatchMessages}");
            },
            ct);

        await phase.RunAsync(ct).ConfigureAwait(false);
        if (serverExited())
        {
            throw new InvalidOperationException($"the {serverName} process exited during phase {phase.Name}; see {logDirectory}");
        }

        var (unconverged, settleMs) = await waitConverged(ct).ConfigureAwait(false);
        var result = meter.End(phase.Name, unconverged, settleMs);
        if (unconverged > 0)
        {
            warnings.Add($"phase {phase.Name}: {unconverged} consumer(s) had not converged after {convergeTimeoutSeconds} s");
        }

        (result.StoredBytes, result.StoredRecords) = await meter.MeasureStoredAsync(ct).ConfigureAwait(false);
        progress.WriteLine($"{tag} phase {phase.Name} done in {result.DurationSeconds:F1} s: writes {result.WriteRpcs}, renewals {result.Renewals}, " +
            $"watch {result.WatchMessages} msgs / {result.WatchBytes / 1024.0:F0} KiB, {serverName} CPU {result.RegistryCpuSeconds:F2} s, " +
            $"stored {result.StoredBytes / 1024.0:F0} KiB, convergence p99 {result.ConvergenceP99Ms:F1} ms");
        return result;
    }
}
