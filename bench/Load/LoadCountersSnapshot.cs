namespace Introspection.Bench.Load;

/// <summary>A reading of <see cref="LoadCounters"/>.</summary>
internal readonly record struct LoadCountersSnapshot(
    long WriteRpcs,
    long ReRegistrations,
    long Renewals,
    long RenewalsNotFound,
    long RenewalErrors,
    long WatchMessages,
    long WatchBytes,
    long WatchErrors,
    long MetadataFetches,
    long MetadataFetchErrors)
{
    public static LoadCountersSnapshot operator -(LoadCountersSnapshot a, LoadCountersSnapshot b) => new(
        a.WriteRpcs - b.WriteRpcs,
        a.ReRegistrations - b.ReRegistrations,
        a.Renewals - b.Renewals,
        a.RenewalsNotFound - b.RenewalsNotFound,
        a.RenewalErrors - b.RenewalErrors,
        a.WatchMessages - b.WatchMessages,
        a.WatchBytes - b.WatchBytes,
        a.WatchErrors - b.WatchErrors,
        a.MetadataFetches - b.MetadataFetches,
        a.MetadataFetchErrors - b.MetadataFetchErrors);
}
