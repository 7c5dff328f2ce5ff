using System.CommandLine;
using System.CommandLine.Help;
using Introspection.Bench.Infrastructure;

namespace Introspection.Bench.Capacity;

/// <summary>
/// The <c>capacity</c> command line: one definition per option, from which both the parse and
/// <c>capacity --help</c> come. Defaults are those of a new <see cref="CapacityOptions"/>.
/// </summary>
internal sealed class CapacityCommandLine
{
    private static readonly string[] KnownStores = ["memory", "redis"];

    public CapacityCommandLine()
    {
        var defaults = new CapacityOptions();
        Store = BenchOption.CommaList(
            "--store",
            "stores to measure; redis starts its own redis-server",
            "memory,redis",
            string.Join(',', defaults.Stores),
            part => (KnownStores.Contains(part.ToLowerInvariant()), part.ToLowerInvariant()),
            _ => "--store takes memory, redis or memory,redis");
        Instances = BenchOption.Int("--instances", "live instances registered", defaults.Instances, 1, 10_000_000);
        Sizes = BenchOption.CommaList(
            "--sizes",
            "live-instance counts at which RSS and managed heap are measured on the way to --instances (those above it are dropped)",
            "N,N,...",
            "only at --instances",
            part => (int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0, n),
            text => $"--sizes takes positive instance counts separated by commas, got '{text}'");
        Apps = BenchOption.Int("--apps", "apps they belong to", defaults.Apps, 1, 1_000_000);
        Concurrency = BenchOption.Int("--concurrency", "Register calls in flight", defaults.Concurrency, 1, 10_000);
        RenewSeconds = BenchOption.Int("--renew-seconds", "length of the renewal measurement", defaults.RenewSeconds, 1, 3600);
        RenewTtlMs = BenchOption.Int(
            "--renew-ttl-ms", "paced phase: renew every live instance once per TTL/3 for this TTL, counting lapses; 0: skip it", defaults.RenewTtlMs, 0, 3_600_000);
        KeepAliveStreams = BenchOption.Int("--keepalive-streams", "KeepAlive streams sharing the renewals", defaults.KeepAliveStreams, 1, 10_000);
        RenewWindow = BenchOption.Int("--renew-window", "renewals in flight per stream", defaults.RenewWindow, 1, 100_000);
        Watchers = BenchOption.Int("--watchers", "Watch streams on one app for the fan-out test", defaults.Watchers, 1, 100_000);
        Changes = BenchOption.Int("--changes", "changes fanned out", defaults.Changes, 1, 1_000_000);
        ChangeIntervalMs = BenchOption.Int("--change-interval-ms", "time between changes", defaults.ChangeIntervalMs, 0, 60_000);
        Duration = BenchOption.Int("--duration", "optional cap in seconds on the whole run of one store; 0: none", defaults.DurationSeconds ?? 0, 0, 86_400);
        Out = BenchOption.String("--out", "where JSON, Markdown and registry logs go", "DIR", defaults.OutDirectory);
        RegistryDll = BenchOption.OptionalString("--registry-dll", "the registry to start", "PATH", "the one built beside the bench");
        RegistryArgs = BenchOption.ConfigArgs("--registry-arg", "extra registry configuration, repeatable");
        RegistryEnvironment = BenchOption.Environment(
            "--registry-env", "environment variable for the registry process, repeatable (e.g. DOTNET_gcServer=0)", defaults.RegistryEnvironment);

        Command = new Command("capacity", "capacity: how far one registry node goes on this machine.")
        {
            Store, Instances, Sizes, Apps, Concurrency, RenewSeconds, RenewTtlMs, KeepAliveStreams, RenewWindow, Watchers, Changes, ChangeIntervalMs, Duration,
            Out, RegistryDll, RegistryArgs, RegistryEnvironment,
            new HelpOption(),
        };
        Command.Validators.Add(result =>
        {
            if (BenchOption.TryGetValue(result, Store, out var stores) && stores is { Count: 0 })
            {
                result.AddError("--store takes memory, redis or memory,redis");
            }
        });
    }

    /// <summary>The command, without an action (<see cref="CapacityCommand"/> gives it one).</summary>
    public Command Command { get; }

    public Option<IReadOnlyList<string>> Store { get; }

    public Option<int> Instances { get; }

    public Option<IReadOnlyList<int>> Sizes { get; }

    public Option<int> Apps { get; }

    public Option<int> Concurrency { get; }

    public Option<int> RenewSeconds { get; }

    public Option<int> RenewTtlMs { get; }

    public Option<int> KeepAliveStreams { get; }

    public Option<int> RenewWindow { get; }

    public Option<int> Watchers { get; }

    public Option<int> Changes { get; }

    public Option<int> ChangeIntervalMs { get; }

    public Option<int> Duration { get; }

    public Option<string> Out { get; }

    public Option<string?> RegistryDll { get; }

    public Option<IReadOnlyList<string>> RegistryArgs { get; }

    public Option<IReadOnlyDictionary<string, string>> RegistryEnvironment { get; }

    /// <summary>The options a parse without errors stands for.</summary>
    public CapacityOptions Bind(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var defaults = new CapacityOptions();
        var duration = parse.GetValue(Duration);
        return new CapacityOptions
        {
            Stores = parse.GetValue(Store) ?? defaults.Stores,
            Instances = parse.GetValue(Instances),
            Sizes = parse.GetValue(Sizes) ?? defaults.Sizes,
            Apps = parse.GetValue(Apps),
            Concurrency = parse.GetValue(Concurrency),
            RenewSeconds = parse.GetValue(RenewSeconds),
            RenewTtlMs = parse.GetValue(RenewTtlMs),
            KeepAliveStreams = parse.GetValue(KeepAliveStreams),
            RenewWindow = parse.GetValue(RenewWindow),
            Watchers = parse.GetValue(Watchers),
            Changes = parse.GetValue(Changes),
            ChangeIntervalMs = parse.GetValue(ChangeIntervalMs),
            DurationSeconds = duration == 0 ? null : duration,
            OutDirectory = parse.GetValue(Out)!,
            RegistryDll = parse.GetValue(RegistryDll),
            RegistryArgs = parse.GetValue(RegistryArgs) ?? defaults.RegistryArgs,
            RegistryEnvironment = parse.GetValue(RegistryEnvironment) ?? defaults.RegistryEnvironment,
        };
    }
}
