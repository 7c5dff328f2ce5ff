using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using Introspection.Bench.Infrastructure;
using Introspection.Protocol.Registry.V1;
using RegistryClient = Introspection.Protocol.Registry.V1.Registry.RegistryClient;

namespace Introspection.Bench.RedisScale;

/// <summary>
/// One node count: a fresh redis-server, N registry processes on it (one registry, shared state), then
/// registrations spread over the nodes, single-lease renewals and burst renewals. Registry CPU is summed
/// over the nodes; Redis CPU is read from /proc of redis-server. The load generator shares the machine.
/// </summary>
internal sealed class RedisScaleRunner
{
    private const string Namespace = "redis-scale";
    private const int ChannelsPerNode = 4;
    private static readonly string s_revision = new('a', 64);

    private readonly RedisScaleOptions _options;
    private readonly int _nodes;
    private readonly string _outDirectory;
    private readonly TextWriter _progress;

    public RedisScaleRunner(RedisScaleOptions options, int nodes, string outDirectory, TextWriter progress)
    {
        _options = options;
        _nodes = nodes;
        _outDirectory = outDirectory;
        _progress = progress;
    }

    public async Task<RedisScaleResult> RunAsync(CancellationToken ct)
    {
        var result = new RedisScaleResult { Nodes = _nodes, Instances = _options.Instances };
        var registries = new List<RegistryProcess>();
        var channels = new List<GrpcChannel>();
        RedisProcess? redis = null;
        try
        {
            redis = await RedisProcess.StartAsync(ct).ConfigureAwait(false);
            var args = new List<string>
            {
                // Leases long enough that none lapses during the run: expiry is not what is measured here.
                "--Introspection:Registry:Leases:MaxTtl=00:10:00",
                "--Kestrel:Limits:Http2:MaxStreamsPerConnection=10000",
                string.Create(CultureInfo.InvariantCulture, $"--Introspection:Registry:Limits:MaxInstancesPerNamespace={_options.Instances + 1_000}"),
                "--Introspection:Registry:Store=redis",
                "--Introspection:Registry:Redis:Configuration=" + redis.Configuration,
            };
            args.AddRange(_options.RegistryArgs);
            var dll = RegistryLocator.Find(_options.RegistryDll);
            for (var node = 0; node < _nodes; node++)
            {
                var logPath = Path.Combine(_outDirectory, "logs", $"registry-redis-scale-{_nodes}n-{node}.log");
                registries.Add(await RegistryProcess.StartAsync(dll, args, null, logPath, ct).ConfigureAwait(false));
            }

            _progress.WriteLine($"[redis-scale {_nodes}n] {_nodes} registry node(s) on redis-server :{redis.Port}");

            // clients[node][k]: the node's channels, so load goes to every node evenly.
            var clients = registries.Select(r => Enumerable.Range(0, ChannelsPerNode).Select(_ =>
            {
                var channel = GrpcChannels.Create(r.Address);
                channels.Add(channel);
                return new RegistryClient(channel);
            }).ToArray()).ToArray();

            // Let startup work (JIT, tiering) settle so the baseline is the idle registry.
            await Task.Delay(1000, ct).ConfigureAwait(false);
            var leases = new long[_options.Instances];
            result.Registration = await MeasureAsync("registrations", registries, redis, () => RegisterAsync(clients, leases, ct)).ConfigureAwait(false);
            result.SingleLeaseRenewal = await MeasureAsync("single-lease renewals", registries, redis, () => RenewAsync(clients, leases, _options.SingleStreams, 1, ct)).ConfigureAwait(false);
            result.BurstRenewal = await MeasureAsync("burst renewals", registries, redis, () => RenewAsync(clients, leases, _options.BurstStreams, _options.BurstWindow, ct)).ConfigureAwait(false);
            foreach (var (name, phase) in new[] { ("registrations", result.Registration), ("single-lease renewals", result.SingleLeaseRenewal), ("burst renewals", result.BurstRenewal) })
            {
                if (phase.Failed > 0)
                {
                    result.Warnings.Add($"{phase.Failed} {name} failed");
                }
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or RpcException or FileNotFoundException or TimeoutException)
        {
            result.Error = ex.Message;
            _progress.WriteLine($"[redis-scale {_nodes}n] failed: {ex.Message}");
        }
        finally
        {
            foreach (var channel in channels)
            {
                channel.Dispose();
            }

            foreach (var registry in registries)
            {
                await registry.DisposeAsync().ConfigureAwait(false);
            }

            if (redis is not null)
            {
                await redis.DisposeAsync().ConfigureAwait(false);
            }
        }

        return result;
    }

    private async Task<RedisScalePhase> MeasureAsync(string name, List<RegistryProcess> registries, RedisProcess redis, Func<Task<(long Ok, long Failed)>> run)
    {
        var registryBefore = registries.Sum(r => r.Read().CpuSeconds);
        var redisBefore = redis.Read().CpuSeconds;
        var clock = Stopwatch.StartNew();
        var (ok, failed) = await run().ConfigureAwait(false);
        clock.Stop();
        var registryCpu = registries.Sum(r => r.Read().CpuSeconds) - registryBefore;
        var redisCpu = redis.Read().CpuSeconds - redisBefore;
        var phase = new RedisScalePhase
        {
            Ok = ok,
            Failed = failed,
            Seconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
            PerSecond = Math.Round(ok / clock.Elapsed.TotalSeconds, 0),
            RegistryCpuSeconds = Math.Round(registryCpu, 2),
            RegistryCpuUsPerOp = Math.Round(registryCpu * 1e6 / Math.Max(1, ok), 2),
            RedisCpuSeconds = Math.Round(redisCpu, 2),
            RedisCpuUsPerOp = Math.Round(redisCpu * 1e6 / Math.Max(1, ok), 2),
            RedisCpuUtilization = Math.Round(redisCpu / clock.Elapsed.TotalSeconds, 3),
        };
        _progress.WriteLine($"[redis-scale {_nodes}n] {name}: {ok} in {phase.Seconds:F1} s = {phase.PerSecond:F0}/s, registry {phase.RegistryCpuUsPerOp:F1} µs/op, " +
            $"redis {phase.RedisCpuUsPerOp:F1} µs/op, redis at {phase.RedisCpuUtilization:P0} of a core ({failed} failed)");
        return phase;
    }

    private async Task<(long Ok, long Failed)> RegisterAsync(RegistryClient[][] clients, long[] leases, CancellationToken ct)
    {
        long ok = 0;
        long failed = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, leases.Length), new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = ct }, async (i, token) =>
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
            var node = clients[i % clients.Length];
            try
            {
                var response = await node[(i / clients.Length) % node.Length].RegisterAsync(
                    new RegisterRequest { Namespace = Namespace, Instance = instance, TtlMs = 600_000 },
                    deadline: DateTime.UtcNow.AddSeconds(60),
                    cancellationToken: token).ConfigureAwait(false);
                leases[i] = response.LeaseId;
                Interlocked.Increment(ref ok);
            }
            catch (RpcException)
            {
                Interlocked.Increment(ref failed);
            }
        }).ConfigureAwait(false);
        return (ok, failed);
    }

    /// <summary>
    /// <paramref name="streams"/> KeepAlive streams spread over the nodes, each with up to <paramref name="window"/>
    /// renewals in flight, for <see cref="RedisScaleOptions.RenewSeconds"/>. Stream s renews leases s, s + streams, ...
    /// round and round (a lease registered on one node renews on any: the state is shared).
    /// </summary>
    private async Task<(long Ok, long Failed)> RenewAsync(RegistryClient[][] clients, long[] leases, int streams, int window, CancellationToken ct)
    {
        streams = Math.Min(streams, leases.Length);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(TimeSpan.FromSeconds(_options.RenewSeconds));
        var tasks = Enumerable.Range(0, streams)
            .Select(s => Task.Run(() =>
            {
                var node = clients[s % clients.Length];
                return WindowedRenewalStream.RunAsync(node[(s / clients.Length) % node.Length], Namespace, leases, s, streams, window, stop.Token);
            }, CancellationToken.None))
            .ToArray();
        var counts = await Task.WhenAll(tasks).ConfigureAwait(false);
        return (counts.Sum(c => c.Ok), counts.Sum(c => c.NotOk));
    }
}
