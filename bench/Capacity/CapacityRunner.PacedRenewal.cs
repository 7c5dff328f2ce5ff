using System.Diagnostics;
using Grpc.Core;
using Introspection.Bench.Infrastructure;
using Introspection.Protocol.Registry.V1;
using RegistryClient = Introspection.Protocol.Registry.V1.Registry.RegistryClient;

namespace Introspection.Bench.Capacity;

/// <summary>
/// The paced renewal phase: what providers do in production. Every live instance is renewed once per TTL/3,
/// spread evenly over that period, for at least one TTL; a lease that goes longer than the TTL without an
/// acknowledged renewal is counted as a lapse (it would have expired, had it been registered with that TTL:
/// the run registers with a long TTL so a slow registration phase cannot expire leases before this starts).
/// </summary>
internal sealed partial class CapacityRunner
{
    private async Task PacedRenewAsync(RegistryProcess registry, RegistryClient[] clients, RuntimeMetricsScraper metrics, long[] leases, StoreCapacityResult result, CancellationToken ct)
    {
        var ttl = TimeSpan.FromMilliseconds(_options.RenewTtlMs);
        var period = ttl / 3;
        var duration = TimeSpan.FromSeconds(Math.Max(_options.RenewSeconds, ttl.TotalSeconds));
        var streams = Math.Min(_options.KeepAliveStreams, leases.Length);
        var ttlTicks = (long)(ttl.TotalSeconds * Stopwatch.Frequency);
        long ok = 0;
        long notOk = 0;
        long lapses = 0;
        long maxGapTicks = 0;
        var before = registry.Read();
        var metricsBefore = await metrics.ReadAsync(ct).ConfigureAwait(false);
        var start = Stopwatch.GetTimestamp();
        // When each lease's renewal was last acknowledged: the phase's start counts as one.
        var lastAck = new long[leases.Length];
        Array.Fill(lastAck, start);
        // A lease counts as lapsed once, however many of its gaps were longer than the TTL.
        var lapsed = new bool[leases.Length];
        var clock = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, streams).Select(s => Task.Run(async () =>
        {
            var owned = Enumerable.Range(0, leases.Length).Where(i => i % streams == s && leases[i] != 0).ToArray();
            var indexOf = owned.ToDictionary(i => leases[i]);
            using var call = clients[s % clients.Length].KeepAlive(cancellationToken: CancellationToken.None);
            using var window = new SemaphoreSlim(_options.RenewWindow, _options.RenewWindow);
            var reader = Task.Run(async () =>
            {
                long streamMaxGap = 0;
                await foreach (var response in call.ResponseStream.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    var now = Stopwatch.GetTimestamp();
                    if (response.Code == 0 && indexOf.TryGetValue(response.LeaseId, out var i))
                    {
                        Interlocked.Increment(ref ok);
                        var gap = now - lastAck[i];
                        streamMaxGap = Math.Max(streamMaxGap, gap);
                        if (gap > ttlTicks && !lapsed[i])
                        {
                            lapsed[i] = true;
                            Interlocked.Increment(ref lapses);
                        }

                        lastAck[i] = now;
                    }
                    else
                    {
                        Interlocked.Increment(ref notOk);
                    }

                    window.Release();
                }

                InterlockedMax(ref maxGapTicks, streamMaxGap);
            });

            // Lease k of this stream is due at start + round·period + k·period/owned: an even spread.
            var step = owned.Length == 0 ? period : period / owned.Length;
            for (var round = 0L; owned.Length > 0; round++)
            {
                for (var k = 0; k < owned.Length; k++)
                {
                    var due = (period * round) + (step * k);
                    if (due >= duration)
                    {
                        goto done;
                    }

                    var wait = due - clock.Elapsed;
                    if (wait > TimeSpan.FromMilliseconds(1))
                    {
                        await Task.Delay(wait, ct).ConfigureAwait(false);
                    }

                    await window.WaitAsync(ct).ConfigureAwait(false);
                    await call.RequestStream.WriteAsync(new KeepAliveRequest { Namespace = Namespace, LeaseId = leases[owned[k]] }, CancellationToken.None).ConfigureAwait(false);
                }
            }

        done:
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            await reader.WaitAsync(TimeSpan.FromSeconds(60), CancellationToken.None).ConfigureAwait(false);
        }, CancellationToken.None)).ToArray();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        clock.Stop();
        var end = Stopwatch.GetTimestamp();

        // A lease whose last acknowledged renewal is older than the TTL at the end has lapsed too.
        for (var i = 0; i < leases.Length; i++)
        {
            if (leases[i] != 0 && !lapsed[i] && end - lastAck[i] > ttlTicks)
            {
                lapsed[i] = true;
                lapses++;
            }
        }

        var after = registry.Read();
        var metricsAfter = await metrics.ReadAsync(ct).ConfigureAwait(false);
        result.PacedRenewTtlMs = _options.RenewTtlMs;
        result.PacedRenewSeconds = Math.Round(clock.Elapsed.TotalSeconds, 3);
        result.PacedRenewTargetPerSecond = Math.Round(leases.Count(l => l != 0) / period.TotalSeconds, 0);
        result.PacedRenewals = ok;
        result.PacedRenewalsNotOk = notOk;
        result.PacedRenewalsPerSecond = Math.Round(ok / clock.Elapsed.TotalSeconds, 0);
        result.PacedRenewMaxGapMs = Math.Round(maxGapTicks * 1000.0 / Stopwatch.Frequency, 1);
        result.PacedRenewLapses = lapses;
        result.PacedRenewRegistryCpuMsPerRenewal = Math.Round((after.CpuSeconds - before.CpuSeconds) * 1000 / Math.Max(1, ok), 5);
        result.PacedRenewGcPauseMs = metricsAfter.PauseMsSince(metricsBefore);
        if (lapses > 0)
        {
            result.Warnings.Add($"paced renewal at TTL {_options.RenewTtlMs} ms: {lapses} leases went longer than the TTL without a renewal");
        }

        _progress.WriteLine($"[capacity {_store}] paced renewal (TTL {_options.RenewTtlMs} ms, every TTL/3): {result.PacedRenewalsPerSecond:F0}/s of {result.PacedRenewTargetPerSecond:F0}/s asked, " +
            $"max gap {result.PacedRenewMaxGapMs:F0} ms, {lapses} lapses, {result.PacedRenewRegistryCpuMsPerRenewal:F4} ms registry CPU each, GC pause {Format(result.PacedRenewGcPauseMs)} ms ({notOk} not OK)");
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
