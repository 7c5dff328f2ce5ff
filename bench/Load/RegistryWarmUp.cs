using System.Diagnostics;
using Grpc.Core;
using Introspection.Bench.Infrastructure;
using Introspection.Protocol.Registry.V1;
using RegistryClient = Introspection.Protocol.Registry.V1.Registry.RegistryClient;

namespace Introspection.Bench.Load;

/// <summary>
/// Exercises every RPC the phases use in a separate namespace, then waits for the registry to go
/// idle. Without it the first phases of a fresh process pay for JIT and tiered recompilation, and
/// that cost (the same for both models) would be charged to whichever phase runs first.
/// </summary>
internal static class RegistryWarmUp
{
    private const string Namespace = "warmup";

    /// <returns>False when the registry did not go idle within 15 s (the run goes on, with a warning).</returns>
    public static async Task<bool> RunAsync(
        IReadOnlyList<RegistryClient> clients, RegistryProcess registry, IDictionary<string, string> labels, string revision, CancellationToken ct)
    {
        var client = clients[0];
        var watch = new WatchRequest { Namespace = Namespace, Compact = true };
        using var watchStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var watchCall = client.Watch(watch, cancellationToken: watchStop.Token);
        var leases = new List<long>();
        for (var round = 0; round < 3; round++)
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (i, token) =>
            {
                var instance = new Instance { App = "warmup", InstanceId = $"w{i}", Host = "127.0.0.2", Port = 1, Revision = revision };
                instance.Labels.Add(labels);
                var response = await clients[i % clients.Count].RegisterAsync(
                    new RegisterRequest { Namespace = Namespace, Instance = instance, TtlMs = 60_000 }, deadline: RpcDeadline.FromNow(), cancellationToken: token).ConfigureAwait(false);
                lock (leases)
                {
                    leases.Add(response.LeaseId);
                }
            }).ConfigureAwait(false);
            using (var keepAlive = client.KeepAlive(cancellationToken: ct))
            {
                foreach (var lease in leases)
                {
                    await keepAlive.RequestStream.WriteAsync(new KeepAliveRequest { Namespace = Namespace, LeaseId = lease }, ct).ConfigureAwait(false);
                }

                await keepAlive.RequestStream.CompleteAsync().ConfigureAwait(false);
                await foreach (var _ in keepAlive.ResponseStream.ReadAllAsync(ct).ConfigureAwait(false))
                {
                }
            }

            leases.Clear();
            await client.ListInstancesAsync(new ListInstancesRequest { Namespace = Namespace, App = "warmup", Compact = true }, deadline: RpcDeadline.FromNow(), cancellationToken: ct).ConfigureAwait(false);
            await client.MapServiceAsync(new MapServiceRequest { Namespace = Namespace, App = "warmup", Services = { "warmup.Service" } }, deadline: RpcDeadline.FromNow(), cancellationToken: ct).ConfigureAwait(false);
            await client.LookupServiceAsync(new LookupServiceRequest { Namespace = Namespace, Service = "warmup.Service" }, deadline: RpcDeadline.FromNow(), cancellationToken: ct).ConfigureAwait(false);
            await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (i, token) =>
                await clients[i % clients.Count].DeregisterAsync(
                    new DeregisterRequest { Namespace = Namespace, App = "warmup", InstanceId = $"w{i}" }, deadline: RpcDeadline.FromNow(), cancellationToken: token).ConfigureAwait(false)).ConfigureAwait(false);
        }

        await watchStop.CancelAsync().ConfigureAwait(false);

        // Idle: less than 5 % of a core over 500 ms, or give up after 15 s.
        var clock = Stopwatch.StartNew();
        var last = registry.Read().CpuSeconds;
        while (true)
        {
            await Task.Delay(500, ct).ConfigureAwait(false);
            var now = registry.Read().CpuSeconds;
            if (now - last < 0.025)
            {
                return true;
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(15))
            {
                return false;
            }

            last = now;
        }
    }
}
