using System.Diagnostics;
using Grpc.Core;
using Introspection.Bench.Infrastructure;

namespace Introspection.Bench.Etcd.Compare;

/// <summary>
/// Measures one <see cref="ICompareTarget"/> in one round: registrations/s with one instance per call,
/// pipelined single-lease renewals/s, RSS per instance, and sparse fan-out (changes at a fixed rate to
/// many watchers of one set: first-delivery and all-deliveries latency from the write being sent). Server
/// CPU comes from /proc around each step, so it is per operation for both servers.
/// </summary>
internal sealed class CompareRunner
{
    private const int WarmUpInstances = 200;

    private readonly CompareOptions _options;
    private readonly TextWriter _progress;

    public CompareRunner(CompareOptions options, TextWriter progress)
    {
        _options = options;
        _progress = progress;
    }

    public async Task<CompareResult> RunAsync(ICompareTarget target, int round, CancellationToken ct)
    {
        var result = new CompareResult { Round = round, Server = target.Name };
        var tag = $"[etcd-compare round {round} {target.Name}]";
        try
        {
            // Warm-up outside every figure (JIT for the registry, first allocations for both), then a settled baseline.
            await RegisterAllAsync(target, _options.Instances, WarmUpInstances, ct).ConfigureAwait(false);
            await Task.Delay(1000, ct).ConfigureAwait(false);

            var before = target.Read();
            var clock = Stopwatch.StartNew();
            var leases = await RegisterAllAsync(target, 0, _options.Instances, ct).ConfigureAwait(false);
            var seconds = clock.Elapsed.TotalSeconds;
            await Task.Delay(500, ct).ConfigureAwait(false);
            var after = target.Read();
            result.RegistrationsPerSecond = Math.Round(_options.Instances / seconds);
            result.CpuMicrosPerRegistration = Math.Round((after.CpuSeconds - before.CpuSeconds) * 1e6 / _options.Instances, 1);
            result.RssBytesPerInstance = Math.Round((double)(after.RssBytes - before.RssBytes) / _options.Instances);
            _progress.WriteLine($"{tag} {result.RegistrationsPerSecond:F0} registrations/s, {result.CpuMicrosPerRegistration:F0} µs CPU each, {result.RssBytesPerInstance:F0} B RSS/instance");

            before = target.Read();
            var until = DateTime.UtcNow.AddSeconds(_options.RenewSeconds);
            clock.Restart();
            var perStream = leases.Chunk(Math.Max(1, (leases.Length + _options.RenewStreams - 1) / _options.RenewStreams)).ToList();
            var renewed = await Task.WhenAll(perStream.Select(l => target.RenewStreamAsync(l, _options.RenewWindow, until, ct))).ConfigureAwait(false);
            seconds = clock.Elapsed.TotalSeconds;
            after = target.Read();
            result.RenewalsPerSecond = Math.Round(renewed.Sum() / seconds);
            result.CpuMicrosPerRenewal = Math.Round((after.CpuSeconds - before.CpuSeconds) * 1e6 / Math.Max(1, renewed.Sum()), 1);
            _progress.WriteLine($"{tag} {result.RenewalsPerSecond:F0} renewals/s, {result.CpuMicrosPerRenewal:F1} µs CPU each");

            await FanoutAsync(target, result, ct).ConfigureAwait(false);
            _progress.WriteLine($"{tag} fan-out to {_options.Watchers}: first delivery p50 {result.FirstDeliveryP50Ms:F1} / p99 {result.FirstDeliveryP99Ms:F1} ms, " +
                $"all p50 {result.AllDeliveriesP50Ms:F1} / p99 {result.AllDeliveriesP99Ms:F1} ms, {result.CpuMillisPerChange:F1} ms CPU per change");
            result.PeakRssBytes = target.Read().PeakRssBytes;
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException or TimeoutException)
        {
            result.Error = ex.Message;
            _progress.WriteLine($"{tag} failed: {ex.Message}");
        }

        return result;
    }

    private async Task<long[]> RegisterAllAsync(ICompareTarget target, int first, int count, CancellationToken ct)
    {
        var leases = new long[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = ct }, async (i, token) =>
            leases[i] = await target.RegisterAsync(first + i, token).ConfigureAwait(false)).ConfigureAwait(false);
        return leases;
    }

    private async Task FanoutAsync(ICompareTarget target, CompareResult result, CancellationToken ct)
    {
        var sent = new long[_options.Changes];
        var first = new long[_options.Changes];
        var all = new List<double>(_options.Watchers * _options.Changes);
        long deliveries = 0;
        void OnChange(int change)
        {
            var now = Stopwatch.GetTimestamp();
            if (change >= sent.Length)
            {
                return;
            }

            Interlocked.Increment(ref deliveries);
            Interlocked.CompareExchange(ref first[change], now, 0);
            lock (all)
            {
                all.Add(Stopwatch.GetElapsedTime(Volatile.Read(ref sent[change]), now).TotalMilliseconds);
            }
        }

        var watchers = new List<IAsyncDisposable>();
        try
        {
            foreach (var batch in Enumerable.Range(0, _options.Watchers).Chunk(50))
            {
                watchers.AddRange(await Task.WhenAll(batch.Select(_ => target.WatchFanoutAsync(OnChange, ct))).ConfigureAwait(false));
            }

            await Task.Delay(1000, ct).ConfigureAwait(false);
            var before = target.Read();
            var interval = TimeSpan.FromSeconds(1.0 / _options.ChangesPerSecond);
            using var timer = new PeriodicTimer(interval);
            for (var k = 0; k < _options.Changes; k++)
            {
                await timer.WaitForNextTickAsync(ct).ConfigureAwait(false);
                Volatile.Write(ref sent[k], Stopwatch.GetTimestamp());
                await target.ChangeAsync(k, ct).ConfigureAwait(false);
            }

            var expected = (long)_options.Watchers * _options.Changes;
            var wait = Stopwatch.StartNew();
            while (Interlocked.Read(ref deliveries) < expected && wait.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(20, ct).ConfigureAwait(false);
            }

            var after = target.Read();
            result.Deliveries = Interlocked.Read(ref deliveries);
            result.ExpectedDeliveries = expected;
            result.CpuMillisPerChange = Math.Round((after.CpuSeconds - before.CpuSeconds) * 1e3 / _options.Changes, 2);
            var firsts = Stats.Sorted(Enumerable.Range(0, _options.Changes).Where(k => first[k] != 0).Select(k => Stopwatch.GetElapsedTime(sent[k], first[k]).TotalMilliseconds));
            List<double> sorted;
            lock (all)
            {
                sorted = Stats.Sorted(all);
            }

            result.FirstDeliveryP50Ms = Math.Round(Stats.Percentile(firsts, 50), 2);
            result.FirstDeliveryP99Ms = Math.Round(Stats.Percentile(firsts, 99), 2);
            result.AllDeliveriesP50Ms = Math.Round(Stats.Percentile(sorted, 50), 2);
            result.AllDeliveriesP99Ms = Math.Round(Stats.Percentile(sorted, 99), 2);
        }
        finally
        {
            await Task.WhenAll(watchers.Select(w => w.DisposeAsync().AsTask())).ConfigureAwait(false);
        }
    }
}
