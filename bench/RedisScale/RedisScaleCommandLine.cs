using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using Introspection.Bench.Infrastructure;

namespace Introspection.Bench.RedisScale;

/// <summary>The <c>redis-scale</c> command line: one definition per option, from which both the parse and <c>--help</c> come.</summary>
internal sealed class RedisScaleCommandLine
{
    public RedisScaleCommandLine()
    {
        var defaults = new RedisScaleOptions();
        Nodes = BenchOption.CommaList(
            "--nodes",
            "registry node counts to measure, each on a fresh redis-server",
            "1,2",
            string.Join(',', defaults.Nodes),
            part => int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 16 ? (true, n) : (false, 0),
            _ => "--nodes takes node counts from 1 to 16, e.g. 1,2");
        Instances = BenchOption.Int("--instances", "live instances registered", defaults.Instances, 1, 10_000_000);
        Apps = BenchOption.Int("--apps", "apps they belong to", defaults.Apps, 1, 1_000_000);
        Concurrency = BenchOption.Int("--concurrency", "Register calls in flight over all nodes", defaults.Concurrency, 1, 10_000);
        RenewSeconds = BenchOption.Int("--renew-seconds", "length of each renewal measurement", defaults.RenewSeconds, 1, 3600);
        SingleStreams = BenchOption.Int("--single-streams", "single-lease renewals: KeepAlive streams with one renewal in flight each", defaults.SingleStreams, 1, 10_000);
        BurstStreams = BenchOption.Int("--burst-streams", "burst renewals: KeepAlive streams", defaults.BurstStreams, 1, 10_000);
        BurstWindow = BenchOption.Int("--burst-window", "burst renewals: renewals in flight per stream", defaults.BurstWindow, 1, 100_000);
        Out = BenchOption.String("--out", "where JSON, Markdown and registry logs go", "DIR", defaults.OutDirectory);
        RegistryDll = BenchOption.OptionalString("--registry-dll", "the registry to start", "PATH", "the one built beside the bench");
        RegistryArgs = BenchOption.ConfigArgs("--registry-arg", "extra registry configuration, repeatable");
        Command = new Command("redis-scale", "redis-scale: N registry nodes on one redis-server; does throughput grow with nodes until Redis saturates?")
        {
            Nodes, Instances, Apps, Concurrency, RenewSeconds, SingleStreams, BurstStreams, BurstWindow, Out, RegistryDll, RegistryArgs,
            new HelpOption(),
        };
        Command.Validators.Add(result =>
        {
            if (BenchOption.TryGetValue(result, Nodes, out var nodes) && nodes is { Count: 0 })
            {
                result.AddError("--nodes takes node counts from 1 to 16, e.g. 1,2");
            }
        });
    }

    /// <summary>The command, without an action (<see cref="RedisScaleCommand"/> gives it one).</summary>
    public Command Command { get; }

    public Option<IReadOnlyList<int>> Nodes { get; }

    public Option<int> Instances { get; }

    public Option<int> Apps { get; }

    public Option<int> Concurrency { get; }

    public Option<int> RenewSeconds { get; }

    public Option<int> SingleStreams { get; }

    public Option<int> BurstStreams { get; }

    public Option<int> BurstWindow { get; }

    public Option<string> Out { get; }

    public Option<string?> RegistryDll { get; }

    public Option<IReadOnlyList<string>> RegistryArgs { get; }

    /// <summary>The options a parse without errors stands for.</summary>
    public RedisScaleOptions Bind(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var defaults = new RedisScaleOptions();
        return new RedisScaleOptions
        {
            Nodes = parse.GetValue(Nodes) ?? defaults.Nodes,
            Instances = parse.GetValue(Instances),
            Apps = parse.GetValue(Apps),
            Concurrency = parse.GetValue(Concurrency),
            RenewSeconds = parse.GetValue(RenewSeconds),
            SingleStreams = parse.GetValue(SingleStreams),
            BurstStreams = parse.GetValue(BurstStreams),
            BurstWindow = parse.GetValue(BurstWindow),
            OutDirectory = parse.GetValue(Out)!,
            RegistryDll = parse.GetValue(RegistryDll),
            RegistryArgs = parse.GetValue(RegistryArgs) ?? defaults.RegistryArgs,
        };
    }
}
