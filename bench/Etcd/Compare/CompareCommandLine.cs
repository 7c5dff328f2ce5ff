using System.CommandLine;
using System.CommandLine.Help;
using Introspection.Bench.Infrastructure;

namespace Introspection.Bench.Etcd.Compare;

/// <summary>The <c>etcd-compare</c> command line; defaults are those of a new <see cref="CompareOptions"/>.</summary>
internal sealed class CompareCommandLine
{
    public CompareCommandLine()
    {
        var d = new CompareOptions();
        Rounds = BenchOption.Int("--rounds", "interleaved rounds (each: a fresh registry, then a fresh etcd)", d.Rounds, 1, 20);
        Instances = BenchOption.Int("--instances", "instances registered, one per call, each with its own lease", d.Instances, 1, 1_000_000);
        Concurrency = BenchOption.Int("--concurrency", "registrations in flight", d.Concurrency, 1, 1024);
        RenewSeconds = BenchOption.Int("--renew-seconds", "length of the renewal measurement", d.RenewSeconds, 1, 600);
        RenewStreams = BenchOption.Int("--renew-streams", "KeepAlive streams, one lease per message", d.RenewStreams, 1, 256);
        RenewWindow = BenchOption.Int("--renew-window", "unanswered renewals allowed per stream (pipelining)", d.RenewWindow, 1, 10_000);
        Watchers = BenchOption.Int("--watchers", "watchers of the one fan-out set", d.Watchers, 1, 100_000);
        Changes = BenchOption.Int("--changes", "fan-out changes written", d.Changes, 1, 100_000);
        ChangesPerSecond = BenchOption.Int("--changes-per-second", "fan-out write rate (sparse: each change goes out alone)", d.ChangesPerSecond, 1, 1000);
        Out = BenchOption.String("--out", "where JSON, Markdown and server logs go", "DIR", d.OutDirectory);
        RegistryDll = BenchOption.OptionalString("--registry-dll", "the registry to start", "PATH", "the one built beside the bench");
        RegistryArgs = BenchOption.ConfigArgs("--registry-arg", "extra registry configuration, repeatable");
        Command = new Command("etcd-compare", "etcd-compare: our registry beside etcd 3.4 on one harness, interleaved rounds, server CPU per operation.")
        {
            Rounds, Instances, Concurrency, RenewSeconds, RenewStreams, RenewWindow, Watchers, Changes, ChangesPerSecond, Out, RegistryDll, RegistryArgs, new HelpOption(),
        };
    }

    public Command Command { get; }

    public Option<int> Rounds { get; }

    public Option<int> Instances { get; }

    public Option<int> Concurrency { get; }

    public Option<int> RenewSeconds { get; }

    public Option<int> RenewStreams { get; }

    public Option<int> RenewWindow { get; }

    public Option<int> Watchers { get; }

    public Option<int> Changes { get; }

    public Option<int> ChangesPerSecond { get; }

    public Option<string> Out { get; }

    public Option<string?> RegistryDll { get; }

    public Option<IReadOnlyList<string>> RegistryArgs { get; }

    public CompareOptions Bind(ParseResult parse) => new()
    {
        Rounds = parse.GetValue(Rounds),
        Instances = parse.GetValue(Instances),
        Concurrency = parse.GetValue(Concurrency),
        RenewSeconds = parse.GetValue(RenewSeconds),
        RenewStreams = parse.GetValue(RenewStreams),
        RenewWindow = parse.GetValue(RenewWindow),
        Watchers = parse.GetValue(Watchers),
        Changes = parse.GetValue(Changes),
        ChangesPerSecond = parse.GetValue(ChangesPerSecond),
        OutDirectory = parse.GetValue(Out)!,
        RegistryDll = parse.GetValue(RegistryDll),
        RegistryArgs = parse.GetValue(RegistryArgs) ?? [],
    };
}
