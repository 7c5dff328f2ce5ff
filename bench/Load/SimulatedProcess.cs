using Grpc.Core;
using Introspection.Protocol.Registry.V1;
using RegistryClient = Introspection.Protocol.Registry.V1.Registry.RegistryClient;

namespace Introspection.Bench.Load;

/// <summary>
/// One provider process: its registry entries and its single KeepAlive stream (etcd style: one
/// stream per process renews all of its leases every TTL/3).
/// </summary>
internal sealed class SimulatedProcess
{
    private CancellationTokenSource? _stop;
    private Task? _loop;

    public SimulatedProcess(int app, int index, string host, int port, IReadOnlyList<ProcessEntry> entries, int channel)
    {
        App = app;
        Index = index;
        InstanceId = Load.ScenarioCatalog.InstanceId(app, index);
        Host = host;
        Port = port;
        Entries = entries;
        Channel = channel;
    }

    public int App { get; }

    public int Index { get; }

    public string InstanceId { get; }

    public string Host { get; }

    public int Port { get; }

    public IReadOnlyList<ProcessEntry> Entries { get; }

    /// <summary>Which of the runner's registry channels this process uses.</summary>
    public int Channel { get; }

    public int Build { get; set; } = 1;

    /// <summary>Set when scale-in takes the process away: its NOT_FOUNDs must not bring it back.</summary>
    public volatile bool Removed;

    /// <summary>Starts renewing. <paramref name="onNotFound"/> is told about a lease the registry no longer knows.</summary>
    public void StartKeepAlive(
        RegistryClient client, string ns, TimeSpan interval, LoadCounters counters, Action<SimulatedProcess, ProcessEntry, long> onNotFound, CancellationToken ct)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _loop = Task.Run(() => RunAsync(client, ns, interval, counters, onNotFound, _stop.Token), CancellationToken.None);
    }

    public async Task StopKeepAliveAsync()
    {
        if (_stop is null || _loop is null)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException or IOException or TimeoutException)
        {
            // Stopping is the point; how the stream ended does not matter.
        }

        _stop.Dispose();
        _stop = null;
        _loop = null;
    }

    private async Task RunAsync(
        RegistryClient client, string ns, TimeSpan interval, LoadCounters counters, Action<SimulatedProcess, ProcessEntry, long> onNotFound, CancellationToken ct)
    {
        // Processes start at random points of the interval, like real ones, instead of in lockstep.
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * interval.TotalMilliseconds), ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        // A broken stream is reopened (bounded: a registry that is gone ends the run anyway).
        for (var attempt = 0; attempt < 20 && !ct.IsCancellationRequested; attempt++)
        {
            try
            {
                await RunStreamAsync(client, ns, interval, counters, onNotFound, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RpcException or IOException && !ct.IsCancellationRequested)
            {
                // grpc-dotnet fails a write on a connection the server reset with a bare IOException, not an
                // RpcException: a broken stream either way, reopened like one (it once ended a 5,000-instance
                // sweep with an unhandled exception).
                Interlocked.Increment(ref counters.RenewalErrors);
            }

            try
            {
                await Task.Delay(200, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RunStreamAsync(
        RegistryClient client, string ns, TimeSpan interval, LoadCounters counters, Action<SimulatedProcess, ProcessEntry, long> onNotFound, CancellationToken ct)
    {
        using var call = client.KeepAlive(cancellationToken: ct);
        var reader = Task.Run(
            async () =>
            {
                await foreach (var response in call.ResponseStream.ReadAllAsync(ct).ConfigureAwait(false))
                {
                    switch ((StatusCode)response.Code)
                    {
                        case StatusCode.OK:
                            Interlocked.Increment(ref counters.Renewals);
                            break;
                        case StatusCode.NotFound:
                            Interlocked.Increment(ref counters.RenewalsNotFound);
                            foreach (var entry in Entries)
                            {
                                // Only the current lease matters: a renewal of a lease replaced by a re-registration is expected to miss.
                                if (Interlocked.Read(ref entry.LeaseId) == response.LeaseId)
                                {
                                    onNotFound(this, entry, response.LeaseId);
                                }
                            }

                            break;
                        default:
                            Interlocked.Increment(ref counters.RenewalErrors);
                            break;
                    }
                }
            },
            CancellationToken.None);

        try
        {
            using var timer = new PeriodicTimer(interval);
            do
            {
                foreach (var entry in Entries)
                {
                    await call.RequestStream.WriteAsync(new KeepAliveRequest { Namespace = ns, LeaseId = Interlocked.Read(ref entry.LeaseId) }, ct).ConfigureAwait(false);
                }
            }
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
        }
        finally
        {
            try
            {
                await reader.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or RpcException or IOException)
            {
                // The writer's outcome is what the caller acts on.
            }
        }
    }
}
