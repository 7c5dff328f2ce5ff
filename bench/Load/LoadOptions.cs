using Introspection.Bench.Infrastructure;

namespace Introspection.Bench.Load;

/// <summary>The <c>load</c> scenario. Every default is written in <see cref="Usage"/>.</summary>
internal sealed class LoadOptions
{
    public const string Usage = """
        load: registry load of the full model vs service introspection, on a real registry process.
          --apps N                  applications (default 20)
          --instances-per-app N     instances of each app (default 50)
          --services-per-app N      gRPC services each app exposes (default 10)
          --params-per-service N    parameters of each service (default 20, >= 1)
          --methods-per-service N   methods of each service (default 5)
          --consumers N             simulated consumer processes (default 50)
          --apps-per-consumer N     apps each consumer calls; it uses all their services (default 5)
          --ttl-ms N                lease TTL, compressed in time; renewals every TTL/3 (default 6000)
          --steady-seconds N        length of the steady keep-alive phase (default 6)
          --scale-percent N         instances added per app in scale-out and removed in scale-in (default 20)
          --concurrency N           registry writes in flight (default 32)
          --metadata-servers N      real MetadataService endpoints on 127.0.0.2.. (default 8, max 8)
          --converge-timeout-s N    longest wait for every consumer to see a phase's changes (default 60)
          --sweep a,b,c             total instance counts to run (instances per app = count / apps);
                                    without it one run with --instances-per-app
          --models full,introspection   which models to run (default both)
          --out DIR                 where JSON, CSV, Markdown, PNG and registry logs go (default ./load-results)
          --registry-dll PATH       the registry to start (default: the one built beside the bench)
          --registry-arg K=V        extra registry configuration, repeatable (e.g. Introspection:Registry:Watch:CoalescingWindow=00:00:00)
          --registry-env K=V        environment of the registry process, repeatable (default DOTNET_TieredCompilation=0:
                                    code is compiled fully optimized at first use, so no phase pays for JIT tier-up)
        """;

    public int Apps { get; init; } = 20;

    public int InstancesPerApp { get; init; } = 50;

    public int ServicesPerApp { get; init; } = 10;

    public int ParamsPerService { get; init; } = 20;

    public int MethodsPerService { get; init; } = 5;

    public int Consumers { get; init; } = 50;

    public int AppsPerConsumer { get; init; } = 5;

    public int TtlMs { get; init; } = 6000;

    public int SteadySeconds { get; init; } = 6;

    public int ScalePercent { get; init; } = 20;

    public int Concurrency { get; init; } = 32;

    public int MetadataServers { get; init; } = 8;

    public int ConvergeTimeoutSeconds { get; init; } = 60;

    public IReadOnlyList<int> Sweep { get; init; } = [];

    public IReadOnlyList<ModelKind> Models { get; init; } = [ModelKind.Full, ModelKind.Introspection];

    public string OutDirectory { get; init; } = "load-results";

    public string? RegistryDll { get; init; }

    public IReadOnlyList<string> RegistryArgs { get; init; } = [];

    public IReadOnlyDictionary<string, string> RegistryEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Instances added (and later removed) per app.</summary>
    public int ScaleStepFor(int instancesPerApp) => Math.Max(1, (int)Math.Ceiling(instancesPerApp * ScalePercent / 100.0));

    public static LoadOptions Parse(CommandArgs cl)
    {
        var models = cl.GetString("models", "full,introspection")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(m => Enum.TryParse<ModelKind>(m, ignoreCase: true, out var kind) ? kind : throw new ArgumentException($"--models: unknown model '{m}'"))
            .Distinct()
            .ToList();
        var options = new LoadOptions
        {
            Apps = cl.GetInt("apps", 20, 1, 1000),
            InstancesPerApp = cl.GetInt("instances-per-app", 50, 1, 100_000),
            ServicesPerApp = cl.GetInt("services-per-app", 10, 1, 200),
            ParamsPerService = cl.GetInt("params-per-service", 20, 1, 200),
            MethodsPerService = cl.GetInt("methods-per-service", 5, 1, 100),
            Consumers = cl.GetInt("consumers", 50, 1, 5000),
            AppsPerConsumer = cl.GetInt("apps-per-consumer", 5, 1, 1000),
            TtlMs = cl.GetInt("ttl-ms", 6000, 600, 300_000),
            SteadySeconds = cl.GetInt("steady-seconds", 6, 0, 3600),
            ScalePercent = cl.GetInt("scale-percent", 20, 0, 100),
            Concurrency = cl.GetInt("concurrency", 32, 1, 1024),
            MetadataServers = cl.GetInt("metadata-servers", 8, 1, 8),
            ConvergeTimeoutSeconds = cl.GetInt("converge-timeout-s", 60, 1, 3600),
            Sweep = cl.GetIntList("sweep"),
            Models = models,
            OutDirectory = cl.GetString("out", "load-results"),
            RegistryDll = cl.GetOptionalString("registry-dll"),
            RegistryArgs = cl.GetAll("registry-arg").Select(a => a.StartsWith("--", StringComparison.Ordinal) ? a : "--" + a).ToList(),
            RegistryEnvironment = EnvironmentArgs.Parse(cl.GetAll("registry-env"), new Dictionary<string, string> { ["DOTNET_TieredCompilation"] = "0" }),
        };
        if (options.AppsPerConsumer > options.Apps)
        {
            throw new ArgumentException("--apps-per-consumer cannot exceed --apps");
        }

        if (options.Models.Count == 0)
        {
            throw new ArgumentException("--models names no model");
        }

        return options;
    }
}
