using Introspection.Bench.Infrastructure;

namespace Introspection.Bench.Etcd.Compare;

/// <summary>
/// One server the <c>etcd-compare</c> command measures (our registry or etcd), driven through the same
/// four operations, so every figure of the two comes from the same harness. An "instance" is, on both,
/// one record with its own lease: a Register on the registry, a LeaseGrant + Put on etcd.
/// </summary>
internal interface ICompareTarget : IAsyncDisposable
{
    string Name { get; }

    /// <summary>The server process's CPU and memory from /proc.</summary>
    ProcessSample Read();

    /// <summary>Registers instance <paramref name="index"/> with its own lease; answers the lease id.</summary>
    Task<long> RegisterAsync(int index, CancellationToken ct);

    /// <summary>
    /// Renews <paramref name="leases"/> one lease per message on one KeepAlive stream, pipelined with at
    /// most <paramref name="window"/> unanswered, until <paramref name="until"/>; answers the renewals acknowledged.
    /// </summary>
    Task<long> RenewStreamAsync(IReadOnlyList<long> leases, int window, DateTime until, CancellationToken ct);

    /// <summary>Opens a watcher of the fan-out set; <paramref name="onChange"/> gets each change number as it arrives. Completes once the watcher is live.</summary>
    Task<IAsyncDisposable> WatchFanoutAsync(Action<int> onChange, CancellationToken ct);

    /// <summary>Writes fan-out change number <paramref name="change"/> (a new record in the watched set).</summary>
    Task ChangeAsync(int change, CancellationToken ct);
}
