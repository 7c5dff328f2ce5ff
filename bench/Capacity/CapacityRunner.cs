using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using Introspection.Bench.Infrastructure;
using Introspection.Protocol.Registry.V1;
using RegistryClient = Introspection.Protocol.Registry.V1.Registry.RegistryClient;

namespace Introspection.Bench.Capacity;

/// <summary>
/// Measures one registry node with one store: registrations/s up to N live instances, renewals/s
/// with all of them live, and change → delivered latency to many watchers of one app. CPU and
/// memory are read from /proc for the registry process (and redis-server for the redis store).
/// The load generator runs on the same machine and competes for its cores: figures are what this
/// machine does with both, not the registry alone on dedicated hardware.
/// </summary>
internal sealed partial class CapacityRunner
{
    private const string Namespace = "capacity";
    private const string FanoutApp = "fanout";
    private const int Channels = 16;
    private static readonly string s_revision = new('a', 64);

    private readonly CapacityOptions _options;
    private readonly string _store;
    private readonly string _outDirectory;
    private readonly TextWriter _progress;

    public CapacityRunner(CapacityOptions options, string store, string outDirectory, TextWriter progress)
    {
        _options = options;
        _store = store;
        _outDirectory = outDirectory;
        _progress = progress;
    }

    public async Task<StoreCapacityResult> RunAsync(CancellationToken ct)
    {
        var result = new StoreCapacityResult { Store = _store, Instances = _options.Instances, Watchers = _options.Watchers, Changes = _options.Changes };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (_options.DurationSeconds is { } seconds)
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
        }

        RedisProcess? redis = null;
        try
        {
            var args = new List<string>
            {
                // Leases long enough that none lapses during the run: expiry is not what is measured here.
                "--Introspection:Registry:Leases:MaxTtl=00:10:00",
                "--Kestrel:Limits:Http2:MaxStreamsPerConnection=10000",
                // /metrics for the managed heap and GC pauses (the System.Runtime meter).
                "--Introspection:Registry:Telemetry:Prometheus:Enabled=true",
                // The fan-out test holds every watcher's queue: keep the default, but make room for a burst.
            };

            // The registry's caps must not be what a large run measures: raise them above the run's size (the
            // fan-out phase registers its own instance on top of the --instances already live).
            args.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"--Introspection:Registry:Limits:MaxInstancesPerNamespace={_options.Instances + 1_000}"));
            args.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"--Introspection:Registry:Limits:MaxWatchStreamsPerNamespace={Math.Max(10_000, _options.Watchers)}"));
            if (_store == "redis")
            {
                redis = await RedisProcess.StartAsync(timeout.Token).ConfigureAwait(false);
                args.Add("--Introspection:Registry:Store=redis");
                args.Add("--Introspection:Registry:Redis:Configuration=" + redis.Configuration);
            }

            args.AddRange(_options.RegistryArgs);
            result.RegistryArgs = args;
            result.RegistryEnvironment = new Dictionary<string, string>(_options.RegistryEnvironment);
            var logPath = Path.Combine(_outDirectory, "logs", $"registry-capacity-{_store}.log");
            _progress.WriteLine($"[capacity {_store}] starting registry: {string.Join(' ', args)}");
            await using var registry = await RegistryProcess.StartAsync(
                RegistryLocator.Find(_options.RegistryDll), args, _options.RegistryEnvironment, logPath, timeout.Token).ConfigureAwait(false);
            var channels = Enumerable.Range(0, Channels).Select(_ => GrpcChannels.Create(registry.Address)).ToArray();
            try
            {
                var clients = channels.Select(c => new RegistryClient(c)).ToArray();
                using var metrics = new RuntimeMetricsScraper(registry.Address);
                // Let startup work (JIT, tiering) settle so the baseline is the idle registry.
                await Task.Delay(1000, timeout.Token).ConfigureAwait(false);
                var leases = await RegisterAsync(registry, redis, clients, metrics, result, timeout.Token).ConfigureAwait(false);
                var renewMetricsBefore = await metrics.ReadAsync(timeout.Token).ConfigureAwait(false);
                await RenewAsync(registry, redis, clients, leases, result, timeout.Token).ConfigureAwait(false);
                result.RenewalGcPauseMs = (await metrics.ReadAsync(timeout.Token).ConfigureAwait(false)).PauseMsSince(renewMetricsBefore);
                if (_options.RenewTtlMs > 0)
                {
                    await PacedRenewAsync(registry, clients, metrics, leases, result, timeout.Token).ConfigureAwait(false);
                }

                await FanoutAsync(registry, clients, channels, result, timeout.Token).ConfigureAwait(false);
                result.PeakRssBytes = registry.Read().PeakRssBytes;
            }
            finally
            {
                foreach (var channel in channels)
                {
                    channel.Dispose();
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            result.Warnings.Add($"stopped by --duration {_options.DurationSeconds} s; later measurements are missing");
        }
        catch (Exception ex) when (ex is InvalidOperationException or RpcException or FileNotFoundException or TimeoutException)
        {
            result.Error = ex.Message;
            _progress.WriteLine($"[capacity {_store}] failed: {ex.Message}");
        }
        finally
        {
            if (redis is not null)
            {
                await redis.DisposeAsync().ConfigureAwait(false);
            }
        }

        return result;
    }

    private async Task<long[]> RegisterAsync(
        RegistryProcess registry, RedisProcess? redis, RegistryClient[] clients, RuntimeMetricsScraper metrics, StoreCapacityResult result, CancellationToken ct)
    {
        var n = _options.Instances;
        var leases = new long[n];
        var before = registry.Read();
        var redisBefore = redis?.Read();
        var metricsBefore = await metrics.ReadAsync(ct).ConfigureAwait(false);
        result.RssBaselineBytes = before.RssBytes;
        var selfBefore = Environment.CpuUsage.TotalTime;
        var ok = 0;
        var errors = 0;
        var registryCpuSeconds = 0.0;
        var registering = new Stopwatch();
        using var progress = new Ticker(TimeSpan.FromSeconds(5), () => _progress.WriteLine($"[capacity {_store}]   registered {Volatile.Read(ref ok)}/{n} ({registering.Elapsed.TotalSeconds:F0} s)"), ct);

        // Registration stops at each --sizes count to let the burst's garbage be collected and read memory there.
        var checkpoints = _options.Sizes.Where(size => size < n).Append(n).Distinct().Order().ToArray();
        var from = 0;
        var previousRss = before.RssBytes;
        var previousHeap = metricsBefore.HeapBytes;
        foreach (var to in checkpoints)
        {
            var segmentOk = Volatile.Read(ref ok);
            var segmentBefore = registry.Read();
            var segmentMetricsBefore = await metrics.ReadAsync(ct).ConfigureAwait(false);
            var segmentClock = Stopwatch.StartNew();
            registering.Start();
            await RegisterRangeAsync(clients, leases, from, to, () => Interlocked.Increment(ref ok), () => Interlocked.Increment(ref errors), ct).ConfigureAwait(false);
            registering.Stop();
            segmentClock.Stop();
            var segmentAfter = registry.Read();
            var segmentMetricsAfter = await metrics.ReadAsync(ct).ConfigureAwait(false);
            registryCpuSeconds += segmentAfter.CpuSeconds - segmentBefore.CpuSeconds;
            var added = Math.Max(1, Volatile.Read(ref ok) - segmentOk);

            // Resident memory a little later, once the burst's garbage had a chance to be collected.
            await Task.Delay(2000, ct).ConfigureAwait(false);
            var settled = registry.Read();
            var settledMetrics = await metrics.ReadAsync(ct).ConfigureAwait(false);
            var live = Math.Max(1, Volatile.Read(ref ok));
            var point = new CapacitySizePoint
            {
                LiveInstances = Volatile.Read(ref ok),
                RssBytes = settled.RssBytes,
                RssBytesPerInstance = Math.Round((settled.RssBytes - before.RssBytes) / (double)live, 1),
                MarginalRssBytesPerInstance = Math.Round((settled.RssBytes - previousRss) / (double)added, 1),
                HeapBytes = settledMetrics.HeapBytes,
                HeapBytesPerInstance = settledMetrics.HeapBytes is { } heap && metricsBefore.HeapBytes is { } idleHeap ? Math.Round((heap - idleHeap) / live, 1) : null,
                MarginalHeapBytesPerInstance = settledMetrics.HeapBytes is { } heapNow && previousHeap is { } heapThen ? Math.Round((heapNow - heapThen) / added, 1) : null,
                RegistrationsPerSecond = Math.Round(added / segmentClock.Elapsed.TotalSeconds, 0),
                RegistryCpuMsPerRegistration = Math.Round((segmentAfter.CpuSeconds - segmentBefore.CpuSeconds) * 1000 / added, 4),
                GcPauseMs = segmentMetricsAfter.PauseMsSince(segmentMetricsBefore),
                GcCollections = segmentMetricsAfter.CollectionsSince(segmentMetricsBefore),
            };
            result.Sizes.Add(point);
            previousRss = settled.RssBytes;
            previousHeap = settledMetrics.HeapBytes;
            from = to;
            _progress.WriteLine($"[capacity {_store}]   at {point.LiveInstances:N0} live: {point.RssBytesPerInstance:F0} B RSS/instance (marginal {point.MarginalRssBytesPerInstance:F0}), " +
                $"heap {Format(point.HeapBytesPerInstance)} B/instance (marginal {Format(point.MarginalHeapBytesPerInstance)}), {point.RegistrationsPerSecond:F0} reg/s, " +
                $"GC pause {Format(point.GcPauseMs)} ms, collections gen0/1/2 {point.GcCollections}");
        }

        var after = registry.Read();
        var redisAfter = redis?.Read();
        var metricsAfter = await metrics.ReadAsync(ct).ConfigureAwait(false);
        result.LoadGeneratorCpuSecondsRegistration = Math.Round((Environment.CpuUsage.TotalTime - selfBefore).TotalSeconds, 2);
        result.RegistryCpuSecondsRegistration = Math.Round(registryCpuSeconds, 2);
        result.RegistrationsOk = ok;
        result.RegistrationErrors = errors;
        result.RegistrationSeconds = Math.Round(registering.Elapsed.TotalSeconds, 3);
        result.RegistrationsPerSecond = Math.Round(ok / registering.Elapsed.TotalSeconds, 0);
        result.RegistryCpuMsPerRegistration = Math.Round(registryCpuSeconds * 1000 / Math.Max(1, ok), 4);
        result.RegistrationGcPauseMs = metricsAfter.PauseMsSince(metricsBefore);
        result.RegistrationGcCollections = metricsAfter.CollectionsSince(metricsBefore);
        if (redisBefore is { } rb && redisAfter is { } ra)
        {
            result.RedisCpuMsPerRegistration = Math.Round((ra.CpuSeconds - rb.CpuSeconds) * 1000 / Math.Max(1, ok), 4);
        }

        var last = result.Sizes[^1];
        result.RssAfterRegistrationBytes = last.RssBytes;
        result.RegistryRssBytesPerInstance = last.RssBytesPerInstance;
        result.HeapBytesPerInstance = last.HeapBytesPerInstance;
        if (redisBefore is { } rb2 && redis is not null)
        {
            result.RedisRssBytesPerInstance = Math.Round((redis.Read().RssBytes - rb2.RssBytes) / (double)Math.Max(1, ok), 1);
        }

        _progress.WriteLine($"[capacity {_store}] registered {ok} in {result.RegistrationSeconds:F1} s: {result.RegistrationsPerSecond:F0}/s, " +
            $"{result.RegistryCpuMsPerRegistration:F3} ms registry CPU each, {result.RegistryRssBytesPerInstance:F0} B RSS per instance, " +
            $"heap {Format(result.HeapBytesPerInstance)} B per instance, GC pause {Format(result.RegistrationGcPauseMs)} ms ({errors} errors)");
        return leases;
    }

    private async Task RegisterRangeAsync(RegistryClient[] clients, long[] leases, int from, int to, Action onOk, Action onError, CancellationToken ct)
    {
        await Parallel.ForEachAsync(Enumerable.Range(from, to - from), new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = ct }, async (i, token) =>
        {
            var instance = new Instance
            {
                App = "app" + (i % _options.Apps).ToString("D5", CultureInfo.InvariantCulture),
                InstanceId = "i" + i.ToString("D7", CultureInfo.InvariantCulture),
                // Never contacted: only stored. Loopback-range literals keep even a misuse on this machine.
                Host = $"127.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}",
                Port = 8080,
                Revision = s_revision,
            };
            instance.Labels.Add("zone", "zone-" + (i % 3).ToString(CultureInfo.InvariantCulture));
            try
            {
                var response = await clients[i % clients.Length].RegisterAsync(
                    new RegisterRequest { Namespace = Namespace, Instance = instance, TtlMs = 600_000 },
                    deadline: DateTime.UtcNow.AddSeconds(60),
                    cancellationToken: token).ConfigureAwait(false);
                leases[i] = response.LeaseId;
                onOk();
            }
            catch (RpcException)
            {
                onError();
            }
        }).ConfigureAwait(false);
    }

    private static string Format(double? value) => value is { } v ? v.ToString("F0", CultureInfo.InvariantCulture) : "n/a";

    private async Task RenewAsync(RegistryProcess registry, RedisProcess? redis, RegistryClient[] clients, long[] leases, StoreCapacityResult result, CancellationToken ct)
    {
        var streams = Math.Min(_options.KeepAliveStreams, leases.Length);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var before = registry.Read();
        var redisBefore = redis?.Read();
        var selfBefore = Environment.CpuUsage.TotalTime;
        var clock = Stopwatch.StartNew();
        stop.CancelAfter(TimeSpan.FromSeconds(_options.RenewSeconds));
        // Stream s owns leases s, s + streams, s + 2·streams, ... and renews them round and round.
        var tasks = Enumerable.Range(0, streams)
            .Select(s => Task.Run(() => WindowedRenewalStream.RunAsync(clients[s % clients.Length], Namespace, leases, s, streams, _options.RenewWindow, stop.Token), CancellationToken.None))
            .ToArray();
        var counts = await Task.WhenAll(tasks).ConfigureAwait(false);
        clock.Stop();
        var ok = counts.Sum(c => c.Ok);
        var notOk = counts.Sum(c => c.NotOk);
        var after = registry.Read();
        result.LoadGeneratorCpuSecondsRenewal = Math.Round((Environment.CpuUsage.TotalTime - selfBefore).TotalSeconds, 2);
        result.RegistryCpuSecondsRenewal = Math.Round(after.CpuSeconds - before.CpuSeconds, 2);
        result.Renewals = ok;
        result.RenewalsNotOk = notOk;
        result.RenewalSeconds = Math.Round(clock.Elapsed.TotalSeconds, 3);
        result.RenewalsPerSecond = Math.Round(ok / clock.Elapsed.TotalSeconds, 0);
        result.RegistryCpuMsPerRenewal = Math.Round((after.CpuSeconds - before.CpuSeconds) * 1000 / Math.Max(1, ok), 5);
        if (redisBefore is { } rb && redis is not null)
        {
            result.RedisCpuMsPerRenewal = Math.Round((redis.Read().CpuSeconds - rb.CpuSeconds) * 1000 / Math.Max(1, ok), 5);
        }

        if (notOk > 0)
        {
            result.Warnings.Add($"{notOk} renewals were not OK");
        }

        _progress.WriteLine($"[capacity {_store}] renewed {ok} in {result.RenewalSeconds:F1} s over {streams} streams: {result.RenewalsPerSecond:F0}/s, " +
            $"{result.RegistryCpuMsPerRenewal:F4} ms registry CPU each ({notOk} not OK)");
    }

    private async Task FanoutAsync(RegistryProcess registry, RegistryClient[] clients, GrpcChannel[] channels, StoreCapacityResult result, CancellationToken ct)
    {
        await clients[0].RegisterAsync(
            new RegisterRequest
            {
                Namespace = Namespace,
                Instance = new Instance { App = FanoutApp, InstanceId = "fanout-0", Host = "127.0.0.1", Port = 8080, Revision = s_revision },
                TtlMs = 600_000,
            },
            deadline: DateTime.UtcNow.AddSeconds(30),
            cancellationToken: ct).ConfigureAwait(false);

        var watchers = _options.Watchers;
        var changes = _options.Changes;
        var rssBeforeWatchers = registry.Read().RssBytes;
        // arrivals[w][k]: when watcher w saw change k (0 = not seen).
        var arrivals = new long[watchers][];
        var snapshots = 0;
        long deliveries = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var watcherTasks = new Task[watchers];
        for (var w = 0; w < watchers; w++)
        {
            var index = w;
            arrivals[w] = new long[changes];
            watcherTasks[w] = Task.Run(async () =>
            {
                var request = new WatchRequest { Namespace = Namespace };
                request.Apps.Add(FanoutApp);
                using var call = clients[index % clients.Length].Watch(request, cancellationToken: stop.Token);
                try
                {
                    await foreach (var response in call.ResponseStream.ReadAllAsync(stop.Token).ConfigureAwait(false))
                    {
                        var now = Stopwatch.GetTimestamp();
                        if (response.Kind == WatchResponseKind.Snapshot)
                        {
                            Interlocked.Increment(ref snapshots);
                            continue;
                        }

                        foreach (var e in response.Events)
                        {
                            if (TryParseChange(e, out var k) && k >= 0 && k < changes && arrivals[index][k] == 0)
                            {
                                arrivals[index][k] = now;
                                Interlocked.Increment(ref deliveries);
                            }
                        }
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
                catch (RpcException) when (stop.IsCancellationRequested)
                {
                }
            }, CancellationToken.None);
        }

        var wait = Stopwatch.StartNew();
        while (Volatile.Read(ref snapshots) < watchers)
        {
            if (wait.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"only {snapshots} of {watchers} watchers got their snapshot within 60 s");
            }

            await Task.Delay(20, ct).ConfigureAwait(false);
        }

        // What the open streams hold once set up (the snapshots written and their garbage given a moment to go).
        await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
        result.RssBytesPerWatcher = Math.Round((double)(registry.Read().RssBytes - rssBeforeWatchers) / Math.Max(1, watchers));
        _progress.WriteLine($"[capacity {_store}] {watchers} watchers subscribed in {wait.Elapsed.TotalSeconds:F1} s ({result.RssBytesPerWatcher:F0} B registry RSS each); sending {changes} changes every {_options.ChangeIntervalMs} ms");
        var sent = new long[changes];
        var acked = new long[changes];
        var before = registry.Read();
        for (var k = 0; k < changes; k++)
        {
            var update = new UpdateInstanceRequest { Namespace = Namespace, App = FanoutApp, InstanceId = "fanout-0", SetLabels = true };
            // The change index rides in a label, so a watcher can attribute an event even before the ack.
            update.Labels.Add("change", k.ToString(CultureInfo.InvariantCulture));
            sent[k] = Stopwatch.GetTimestamp();
            await clients[0].UpdateInstanceAsync(update, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct).ConfigureAwait(false);
            acked[k] = Stopwatch.GetTimestamp();
            if (_options.ChangeIntervalMs > 0)
            {
                await Task.Delay(_options.ChangeIntervalMs, ct).ConfigureAwait(false);
            }
        }

        var expected = (long)watchers * changes;
        wait.Restart();
        while (Interlocked.Read(ref deliveries) < expected && wait.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20, ct).ConfigureAwait(false);
        }

        var after = registry.Read();
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(watcherTasks).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None).ConfigureAwait(false);

        var fromSend = new List<double>((int)Math.Min(expected, int.MaxValue));
        var fromAck = new List<double>((int)Math.Min(expected, int.MaxValue));
        foreach (var perWatcher in arrivals)
        {
            for (var k = 0; k < changes; k++)
            {
                if (perWatcher[k] != 0)
                {
                    fromSend.Add(Stopwatch.GetElapsedTime(sent[k], perWatcher[k]).TotalMilliseconds);
                    fromAck.Add(Math.Max(0, Stopwatch.GetElapsedTime(acked[k], perWatcher[k]).TotalMilliseconds));
                }
            }
        }

        fromSend.Sort();
        fromAck.Sort();
        result.Deliveries = fromSend.Count;
        result.ExpectedDeliveries = expected;
        result.FanoutP50MsFromSend = Math.Round(Stats.Percentile(fromSend, 50), 2);
        result.FanoutP99MsFromSend = Math.Round(Stats.Percentile(fromSend, 99), 2);
        result.FanoutMaxMsFromSend = fromSend.Count == 0 ? double.NaN : Math.Round(fromSend[^1], 2);
        result.FanoutP50MsFromAck = Math.Round(Stats.Percentile(fromAck, 50), 2);
        result.FanoutP99MsFromAck = Math.Round(Stats.Percentile(fromAck, 99), 2);
        var cpuMs = (after.CpuSeconds - before.CpuSeconds) * 1000;
        result.RegistryCpuMsPerChange = Math.Round(cpuMs / changes, 3);
        result.RegistryCpuUsPerDelivery = Math.Round(cpuMs * 1000 / Math.Max(1, fromSend.Count), 3);
        if (fromSend.Count < expected)
        {
            result.Warnings.Add($"{expected - fromSend.Count} of {expected} deliveries never arrived");
        }

        _progress.WriteLine($"[capacity {_store}] fan-out to {watchers} watchers: p50 {result.FanoutP50MsFromSend:F1} ms, p99 {result.FanoutP99MsFromSend:F1} ms from send " +
            $"({result.FanoutP50MsFromAck:F1} / {result.FanoutP99MsFromAck:F1} ms from ack), {fromSend.Count}/{expected} delivered");
    }

    private static bool TryParseChange(WatchEvent e, out int change)
    {
        change = -1;
        return e.Type == WatchEventType.Put
            && e.Instance is not null
            && e.Instance.Labels.TryGetValue("change", out var text)
            && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out change);
    }
}
