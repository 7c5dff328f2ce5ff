using System.Diagnostics;
using Introspection.Bench.Infrastructure;

namespace Introspection.Bench.Load;

/// <summary>
/// Convergence latency of one model run, shared by every model's phase meter so all models are
/// measured the same way: for each receipt a consumer took, the time from the write's ack (by
/// revision) to the receipt; per phase, and kept for the run's total.
/// </summary>
internal sealed class ConvergenceRecorder
{
    private readonly List<double> _all = [];

    /// <summary>Takes the receipts of one phase and fills <paramref name="phase"/>'s convergence figures.</summary>
    public void FillPhase(PhaseResult phase, ExpectedState expected, IEnumerable<List<(long Revision, long Timestamp)>> receipts)
    {
        var latencies = new List<double>();
        foreach (var consumerReceipts in receipts)
        {
            foreach (var (revision, timestamp) in consumerReceipts)
            {
                if (expected.TryGetAck(revision, out var ack))
                {
                    // The push can beat the ack to the driver; such a change was visible at ack time: 0.
                    latencies.Add(Math.Max(0, Stopwatch.GetElapsedTime(ack, timestamp).TotalMilliseconds));
                }
            }
        }

        latencies.Sort();
        _all.AddRange(latencies);
        Fill(phase, latencies);
    }

    /// <summary>Fills the run's total with the convergence of every phase so far.</summary>
    public void FillTotal(PhaseResult total)
    {
        _all.Sort();
        Fill(total, _all);
    }

    private static void Fill(PhaseResult phase, List<double> sorted)
    {
        phase.ConvergenceSamples = sorted.Count;
        phase.ConvergenceP50Ms = sorted.Count == 0 ? 0 : Math.Round(Stats.Percentile(sorted, 50), 2);
        phase.ConvergenceP99Ms = sorted.Count == 0 ? 0 : Math.Round(Stats.Percentile(sorted, 99), 2);
        phase.ConvergenceMaxMs = sorted.Count == 0 ? 0 : Math.Round(sorted[^1], 2);
    }
}
