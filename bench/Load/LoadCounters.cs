namespace Introspection.Bench.Load;

/// <summary>
/// Flow counters of one model run, written with Interlocked from many tasks. A phase's figures are
/// the difference of two <see cref="Snapshot"/>s, so per-phase values add up to the totals exactly.
/// </summary>
internal sealed class LoadCounters
{
    public long WriteRpcs;
    public long ReRegistrations;
    public long Renewals;
    public long RenewalsNotFound;
    public long RenewalErrors;
    public long WatchMessages;
    public long WatchBytes;
    public long WatchErrors;
    public long MetadataFetches;
    public long MetadataFetchErrors;

    public LoadCountersSnapshot Snapshot() => new(
        Interlocked.Read(ref WriteRpcs),
        Interlocked.Read(ref ReRegistrations),
        Interlocked.Read(ref Renewals),
        Interlocked.Read(ref RenewalsNotFound),
        Interlocked.Read(ref RenewalErrors),
        Interlocked.Read(ref WatchMessages),
        Interlocked.Read(ref WatchBytes),
        Interlocked.Read(ref WatchErrors),
        Interlocked.Read(ref MetadataFetches),
        Interlocked.Read(ref MetadataFetchErrors));
}
