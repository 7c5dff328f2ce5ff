using Grpc.Core;
using Introspection.Protocol;
using Introspection.Protocol.Registry.V1;
using RegistryClient = Introspection.Protocol.Registry.V1.Registry.RegistryClient;

namespace Introspection.Client.Internal;

/// <summary>
/// One open Watch call for a fixed set of apps. Several may exist for a moment while the client switches to a
/// wider app set: the old one keeps being applied until the new one's snapshot has replaced the view.
/// </summary>
internal sealed class WatchStream : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly AsyncServerStreamingCall<WatchResponse> _call;
    private int _disposed;

    // apps: what the stream serves; the request may ask for more (the whole namespace) than these.
    public WatchStream(RegistryClient client, int registryIndex, Uri address, IReadOnlyCollection<string> apps, WatchRequest request, CancellationToken stopping)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        RegistryIndex = registryIndex;
        Address = address;
        Apps = apps.ToArray();
        AppSet = new HashSet<string>(Apps, StringComparer.Ordinal);
        SinceRevision = request.SinceRevision;
        _call = client.Watch(request, cancellationToken: _cts.Token);
    }

    public int RegistryIndex { get; }

    public Uri Address { get; }

    public string[] Apps { get; }

    public HashSet<string> AppSet { get; }

    public long SinceRevision { get; }

    /// <summary>Last registry revision applied from this stream (guarded by the watch loop's lock).</summary>
    public long LastRevision { get; set; }

    /// <summary>True once a message of this stream was applied (guarded by the watch loop's lock).</summary>
    public bool Established { get; set; }

    /// <summary>True once a newer stream took over: its messages are dropped (guarded by the watch loop's lock).</summary>
    public bool Superseded { get; set; }

    public Exception? Failure { get; private set; }

    public Task Completion { get; private set; } = Task.CompletedTask;

    public bool Covers(IEnumerable<string> apps) => apps.All(AppSet.Contains);

    /// <summary>Reads the first message, which must arrive within <paramref name="timeout"/>.</summary>
    public async Task<WatchResponse> ReadFirstAsync(TimeSpan timeout, TimeProvider timeProvider)
    {
        using var timeoutCts = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_cts.Token, timeoutCts.Token);
        try
        {
            if (!await _call.ResponseStream.MoveNext(linked.Token).ConfigureAwait(false))
            {
                throw new RpcException(new Status(StatusCode.Unavailable, "The registry closed the Watch stream before sending its snapshot."));
            }
        }
        catch (OperationCanceledException) when (timeoutCts.IsCancellationRequested && !_cts.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, $"The registry sent no Watch snapshot within {timeout}."));
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && timeoutCts.IsCancellationRequested && !_cts.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, $"The registry sent no Watch snapshot within {timeout}."));
        }

        return Expanded(_call.ResponseStream.Current);
    }

    /// <summary>Applies every further message through <paramref name="apply"/> until it returns false or the stream ends.</summary>
    public void StartReading(Func<WatchStream, WatchResponse, bool> apply)
    {
        Completion = BackgroundWork.Run(() => ReadLoopAsync(apply));
    }

    private async Task ReadLoopAsync(Func<WatchStream, WatchResponse, bool> apply)
    {
        try
        {
            while (await _call.ResponseStream.MoveNext(_cts.Token).ConfigureAwait(false))
            {
                if (!apply(this, Expanded(_call.ResponseStream.Current)))
                {
                    return;
                }
            }

            Failure = new RpcException(new Status(StatusCode.Unavailable, "The registry ended the Watch stream."));
        }
        catch (Exception ex)
        {
            Failure = ex;
        }
    }

    /// <summary>
    /// The inline form of a (possibly compact) message, so the view only ever sees inline records. A message that
    /// cannot be expanded is a bad answer from this registry: the stream fails with a clear status and reconnects.
    /// </summary>
    private WatchResponse Expanded(WatchResponse response)
    {
        try
        {
            CompactForm.Expand(response);
            return response;
        }
        catch (CompactFormException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"The registry at {Address} sent a Watch message that cannot be expanded: {ex.Message}", ex));
        }
    }

    public void Dispose()
    {
        // Both the watch loop and the client's dispose may get here.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _cts.Cancel();
        _call.Dispose();
        _cts.Dispose();
    }
}
