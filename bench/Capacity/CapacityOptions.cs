using Introspection.Bench.Infrastructure;

namespace Introspection.Bench.Capacity;

/// <summary>The <c>capacity</c> run. Every default is written in <see cref="Usage"/>.</summary>
internal sealed class CapacityOptions
{
    public const string Usage = """
        capacity: how far one registry node goes on this machine.
          --store memory,redis      stores to measure (default memory,redis; redis starts its own redis-server)
          --instances N             live instances registered (default 100000)
          --apps N                  apps they belong to (default 1000)
          --concurrency N           Register calls in flight (default 256)
          --renew-seconds N         length of the renewal measurement (default 10)
          --keepalive-streams N     KeepAlive streams sharing the renewals (default 64)
          --renew-window N          renewals in flight per stream (default 256)
          --watchers N              Watch streams on one app for the fan-out test (default 1000)
          --changes N               changes fanned out (default 200)
          --change-interval-ms N    time between changes (default 50)
          --duration S              optional cap in seconds on the whole run of one store (default none)
          --out DIR                 where JSON, Markdown and registry logs go (default ./capacity-results)
          --registry-dll PATH       the registry to start (default: the one built beside the bench)
          --registry-arg K=V        extra registry configuration, repeatable
          --registry-env K=V        environment variable for the registry process, repeatable (e.g. DOTNET_gcServer=0)
        """;

    public IReadOnlyList<string> Stores { get; init; } = ["memory", "redis"];

    public int Instances { get; init; } = 100_000;

    public int Apps { get; init; } = 1000;

    public int Concurrency { get; init; } = 256;

    public int RenewSeconds { get; init; } = 10;

    public int KeepAliveStreams { get; init; } = 64;

    public int RenewWindow { get; init; } = 256;

    public int Watchers { get; init; } = 1000;

    public int Changes { get; init; } = 200;

    public int ChangeIntervalMs { get; init; } = 50;

    public int? DurationSeconds { get; init; }

    public string OutDirectory { get; init; } = "capacity-results";

    public string? RegistryDll { get; init; }

    public IReadOnlyList<string> RegistryArgs { get; init; } = [];

    public IReadOnlyDictionary<string, string> RegistryEnvironment { get; init; } = new Dictionary<string, string>();

    public static CapacityOptions Parse(CommandArgs cl)
    {
        var stores = cl.GetString("store", "memory,redis")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => s.ToLowerInvariant())
            .Distinct()
            .ToList();
        if (stores.Count == 0 || stores.Any(s => s is not ("memory" or "redis")))
        {
            throw new ArgumentException("--store takes memory, redis or memory,redis");
        }

        var duration = cl.GetInt("duration", 0, 0, 86_400);
        return new CapacityOptions
        {
            Stores = stores,
            Instances = cl.GetInt("instances", 100_000, 1, 10_000_000),
            Apps = cl.GetInt("apps", 1000, 1, 1_000_000),
            Concurrency = cl.GetInt("concurrency", 256, 1, 10_000),
            RenewSeconds = cl.GetInt("renew-seconds", 10, 1, 3600),
            KeepAliveStreams = cl.GetInt("keepalive-streams", 64, 1, 10_000),
            RenewWindow = cl.GetInt("renew-window", 256, 1, 100_000),
            Watchers = cl.GetInt("watchers", 1000, 1, 100_000),
            Changes = cl.GetInt("changes", 200, 1, 1_000_000),
            ChangeIntervalMs = cl.GetInt("change-interval-ms", 50, 0, 60_000),
            DurationSeconds = duration == 0 ? null : duration,
            OutDirectory = cl.GetString("out", "capacity-results"),
            RegistryDll = cl.GetOptionalString("registry-dll"),
            RegistryArgs = cl.GetAll("registry-arg").Select(a => a.StartsWith("--", StringComparison.Ordinal) ? a : "--" + a).ToList(),
            RegistryEnvironment = EnvironmentArgs.Parse(cl.GetAll("registry-env"), new Dictionary<string, string>()),
        };
    }
}
