using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using Introspection.Bench.Infrastructure;

namespace Introspection.Bench.Load;

/// <summary>
/// The <c>load</c> command line: one definition per option, from which both the parse and
/// <c>load --help</c> come. Defaults are those of a new <see cref="LoadOptions"/>.
/// </summary>
internal sealed class LoadCommandLine
{
    public LoadCommandLine()
    {
        var defaults = new LoadOptions();
        Apps = BenchOption.Int("--apps", "applications", defaults.Apps, 1, 1000);
        InstancesPerApp = BenchOption.Int("--instances-per-app", "instances of each app", defaults.InstancesPerApp, 1, 100_000);
        ServicesPerApp = BenchOption.Int("--services-per-app", "gRPC services each app exposes", defaults.ServicesPerApp, 1, 200);
        ParamsPerService = BenchOption.Int("--params-per-service", "parameters of each service", defaults.ParamsPerService, 1, 200);
        MethodsPerService = BenchOption.Int("--methods-per-service", "methods of each service", defaults.MethodsPerService, 1, 100);
        Consumers = BenchOption.Int("--consumers", "simulated consumer processes", defaults.Consumers, 1, 5000);
        AppsPerConsumer = BenchOption.Int("--apps-per-consumer", "apps each consumer calls; it uses all their services", defaults.AppsPerConsumer, 1, 1000);
        TtlMs = BenchOption.Int("--ttl-ms", "lease TTL, compressed in time; renewals every TTL/3", defaults.TtlMs, 600, 300_000);
        SteadySeconds = BenchOption.Int("--steady-seconds", "length of the steady keep-alive phase", defaults.SteadySeconds, 0, 3600);
        ScalePercent = BenchOption.Int("--scale-percent", "instances added per app in scale-out and removed in scale-in", defaults.ScalePercent, 0, 100);
        Concurrency = BenchOption.Int("--concurrency", "registry writes in flight", defaults.Concurrency, 1, 1024);
        MetadataServers = BenchOption.Int("--metadata-servers", "real MetadataService endpoints on 127.0.0.2.. (at most 8)", defaults.MetadataServers, 1, 8);
        ConvergeTimeoutSeconds = BenchOption.Int(
            "--converge-timeout-s", "longest wait in seconds for every consumer to see a phase's changes", defaults.ConvergeTimeoutSeconds, 1, 3600);
        Sweep = BenchOption.CommaList(
            "--sweep",
            "total instance counts to run (instances per app = count / apps)",
            "a,b,c",
            defaults.Sweep.Count == 0 ? "none: one run with --instances-per-app" : string.Join(',', defaults.Sweep),
            part => (int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0, n),
            text => $"--sweep takes positive integers separated by commas, got '{text}'");
        Models = BenchOption.CommaList(
            "--models",
            "which models to run: full (our registry, Dubbo 2 entries), full-etcd (the same on a real etcd 3.4), introspection",
            "full,full-etcd,introspection",
            string.Join(',', defaults.Models.Select(ModelNames.Of)),
            part => (ModelNames.TryParse(part, out var kind), kind),
            text => $"--models: unknown model in '{text}' (full, full-etcd, introspection)");
        Out = BenchOption.String("--out", "where JSON, CSV, Markdown, PNG and registry logs go", "DIR", defaults.OutDirectory);
        RegistryDll = BenchOption.OptionalString("--registry-dll", "the registry to start", "PATH", "the one built beside the bench");
        RegistryArgs = BenchOption.ConfigArgs("--registry-arg", "extra registry configuration, repeatable (e.g. Introspection:Registry:Watch:CoalescingWindow=00:00:00)");
        RegistryEnvironment = BenchOption.Environment(
            "--registry-env",
            "environment of the registry process, repeatable, laid over the default (DOTNET_TieredCompilation=0: code is compiled " +
            "fully optimized at first use, so no phase pays for JIT tier-up)",
            defaults.RegistryEnvironment);

        Command = new Command("load", "load: registry load of the full model vs service introspection, on a real registry process.")
        {
            Apps, InstancesPerApp, ServicesPerApp, ParamsPerService, MethodsPerService, Consumers, AppsPerConsumer, TtlMs, SteadySeconds,
            ScalePercent, Concurrency, MetadataServers, ConvergeTimeoutSeconds, Sweep, Models, Out, RegistryDll, RegistryArgs, RegistryEnvironment,
            new HelpOption(),
        };
        Command.Validators.Add(result =>
        {
            if (BenchOption.TryGetValue(result, AppsPerConsumer, out var appsPerConsumer) && BenchOption.TryGetValue(result, Apps, out var apps) && appsPerConsumer > apps)
            {
                result.AddError("--apps-per-consumer cannot exceed --apps");
            }

            if (BenchOption.TryGetValue(result, Models, out var models) && models is { Count: 0 })
            {
                result.AddError("--models names no model");
            }
        });
    }

    /// <summary>The command, without an action (<see cref="LoadCommand"/> gives it one).</summary>
    public Command Command { get; }

    public Option<int> Apps { get; }

    public Option<int> InstancesPerApp { get; }

    public Option<int> ServicesPerApp { get; }

    public Option<int> ParamsPerService { get; }

    public Option<int> MethodsPerService { get; }

    public Option<int> Consumers { get; }

    public Option<int> AppsPerConsumer { get; }

    public Option<int> TtlMs { get; }

    public Option<int> SteadySeconds { get; }

    public Option<int> ScalePercent { get; }

    public Option<int> Concurrency { get; }

    public Option<int> MetadataServers { get; }

    public Option<int> ConvergeTimeoutSeconds { get; }

    public Option<IReadOnlyList<int>> Sweep { get; }

    public Option<IReadOnlyList<ModelKind>> Models { get; }

    public Option<string> Out { get; }

    public Option<string?> RegistryDll { get; }

    public Option<IReadOnlyList<string>> RegistryArgs { get; }

    public Option<IReadOnlyDictionary<string, string>> RegistryEnvironment { get; }

    /// <summary>The options a parse without errors stands for.</summary>
    public LoadOptions Bind(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var defaults = new LoadOptions();
        return new LoadOptions
        {
            Apps = parse.GetValue(Apps),
            InstancesPerApp = parse.GetValue(InstancesPerApp),
            ServicesPerApp = parse.GetValue(ServicesPerApp),
            ParamsPerService = parse.GetValue(ParamsPerService),
            MethodsPerService = parse.GetValue(MethodsPerService),
            Consumers = parse.GetValue(Consumers),
            AppsPerConsumer = parse.GetValue(AppsPerConsumer),
            TtlMs = parse.GetValue(TtlMs),
            SteadySeconds = parse.GetValue(SteadySeconds),
            ScalePercent = parse.GetValue(ScalePercent),
            Concurrency = parse.GetValue(Concurrency),
            MetadataServers = parse.GetValue(MetadataServers),
            ConvergeTimeoutSeconds = parse.GetValue(ConvergeTimeoutSeconds),
            Sweep = parse.GetValue(Sweep) ?? defaults.Sweep,
            Models = parse.GetValue(Models) ?? defaults.Models,
            OutDirectory = parse.GetValue(Out)!,
            RegistryDll = parse.GetValue(RegistryDll),
            RegistryArgs = parse.GetValue(RegistryArgs) ?? defaults.RegistryArgs,
            RegistryEnvironment = parse.GetValue(RegistryEnvironment) ?? defaults.RegistryEnvironment,
        };
    }
}
