namespace Introspection.Bench.Load;

/// <summary>What <see cref="PhaseDriver"/> needs of a model's phase meter (our registry's, or etcd's).</summary>
internal interface IPhaseMeter
{
    /// <summary>Time since the current phase began.</summary>
    TimeSpan Elapsed { get; }

    /// <summary>The counters' growth since the current phase began.</summary>
    LoadCountersSnapshot CountersSinceBegin { get; }

    /// <summary>Takes the readings a phase's figures are differences from.</summary>
    void Begin();

    /// <summary>The phase's figures since <see cref="Begin"/>, stored bytes aside.</summary>
    PhaseResult End(string name, int unconverged, double settleMs);

    /// <summary>The server's stored state in bytes and records; called after <see cref="End"/>, so it is charged to no phase.</summary>
    Task<(long Bytes, long Records)> MeasureStoredAsync(CancellationToken ct);
}
