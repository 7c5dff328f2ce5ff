using Introspection.Bench.Infrastructure;
using Introspection.Bench.Load;

namespace Introspection.Bench.Tests.Load;

/// <summary>The <c>load</c> command line: defaults, the commands RESULTS.md quotes, errors and help. Nothing here starts a registry.</summary>
public sealed class LoadCommandLineTests
{
    // Every option the tool has ever taken: RESULTS.md commands and scripts rely on these names.
    private static readonly string[] OptionNames =
    [
        "--apps", "--instances-per-app", "--services-per-app", "--params-per-service", "--methods-per-service", "--consumers",
        "--apps-per-consumer", "--ttl-ms", "--steady-seconds", "--scale-percent", "--concurrency", "--metadata-servers",
        "--converge-timeout-s", "--sweep", "--models", "--out", "--registry-dll", "--registry-arg", "--registry-env",
    ];

    [Fact]
    public void Bind_NoArguments_GivesTheDefaultScenario()
    {
        var options = Bind();

        Assert.Equal(20, options.Apps);
        Assert.Equal(50, options.InstancesPerApp);
        Assert.Equal(10, options.ServicesPerApp);
        Assert.Equal(20, options.ParamsPerService);
        Assert.Equal(5, options.MethodsPerService);
        Assert.Equal(50, options.Consumers);
        Assert.Equal(5, options.AppsPerConsumer);
        Assert.Equal(6000, options.TtlMs);
        Assert.Equal(6, options.SteadySeconds);
        Assert.Equal(20, options.ScalePercent);
        Assert.Equal(32, options.Concurrency);
        Assert.Equal(8, options.MetadataServers);
        Assert.Equal(60, options.ConvergeTimeoutSeconds);
        Assert.Empty(options.Sweep);
        Assert.Equal([ModelKind.Full, ModelKind.Introspection], options.Models);
        Assert.Equal("load-results", options.OutDirectory);
        Assert.Null(options.RegistryDll);
        Assert.Empty(options.RegistryArgs);
        Assert.Equal(new Dictionary<string, string> { ["DOTNET_TieredCompilation"] = "0" }, options.RegistryEnvironment);
    }

    [Fact]
    public void Bind_SweepCommand_ReadsTheCounts()
    {
        var options = Bind("--sweep", "100,1000,5000", "--out", "bench/results/load-sweep");

        Assert.Equal([100, 1000, 5000], options.Sweep);
        Assert.Equal("bench/results/load-sweep", options.OutDirectory);
    }

    [Fact]
    public void Bind_SteadyIntrospectionCommand_OverridesTheDefaultEnvironment()
    {
        var options = Bind("--models", "introspection", "--registry-env", "DOTNET_TieredCompilation=1", "--registry-env", "DOTNET_gcServer=0");

        Assert.Equal([ModelKind.Introspection], options.Models);
        Assert.Equal(new Dictionary<string, string> { ["DOTNET_TieredCompilation"] = "1", ["DOTNET_gcServer"] = "0" }, options.RegistryEnvironment);
    }

    [Fact]
    public void Bind_RegistryArgs_AreRepeatableAndPassedAsConfigurationSwitches()
    {
        var options = Bind("--registry-arg", "Introspection:Registry:Watch:CoalescingWindow=00:00:00", "--registry-arg=--Introspection:Registry:Leases:MinTtl=00:00:01");

        Assert.Equal(["--Introspection:Registry:Watch:CoalescingWindow=00:00:00", "--Introspection:Registry:Leases:MinTtl=00:00:01"], options.RegistryArgs);
    }

    [Fact]
    public void Bind_FullEtcdModel_IsNamedWithItsHyphen()
    {
        var options = Bind("--models", "full,Full-Etcd,introspection");

        Assert.Equal([ModelKind.Full, ModelKind.FullEtcd, ModelKind.Introspection], options.Models);
    }

    [Fact]
    public void Bind_EqualsSyntaxAndModelCase_AreAccepted()
    {
        var options = Bind("--apps=4", "--apps-per-consumer=2", "--models=Full,full", "--registry-dll", "/tmp/Introspection.Registry.dll");

        Assert.Equal(4, options.Apps);
        Assert.Equal(2, options.AppsPerConsumer);
        Assert.Equal([ModelKind.Full], options.Models);
        Assert.Equal("/tmp/Introspection.Registry.dll", options.RegistryDll);
    }

    [Theory]
    [InlineData("--apps must be an integer in [1, 1000], got '0'", "--apps", "0")]
    [InlineData("--apps must be an integer in [1, 1000], got 'many'", "--apps", "many")]
    [InlineData("--ttl-ms must be an integer in [600, 300000], got '5'", "--ttl-ms", "5")]
    [InlineData("--sweep takes positive integers separated by commas, got '100,-5'", "--sweep", "100,-5")]
    [InlineData("--models: unknown model in 'full,dubbo2'", "--models", "full,dubbo2")]
    [InlineData("--models names no model", "--models", ",")]
    [InlineData("--registry-env takes NAME=VALUE, got 'DOTNET_gcServer'", "--registry-env", "DOTNET_gcServer")]
    [InlineData("--apps-per-consumer cannot exceed --apps", "--apps", "3", "--apps-per-consumer", "4")]
    [InlineData("'--instances'", "--instances", "1000")]
    [InlineData("--out", "--out")]
    public async Task RunAsync_BadArguments_NamesTheProblemAndExitsWithUsageError(string expected, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await LoadCommand.RunAsync(args, output, error, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(BenchCommandLine.UsageError, exit);
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
        Assert.Contains("load --help", error.ToString(), StringComparison.Ordinal);
        Assert.Equal("", output.ToString());
    }

    [Fact]
    public async Task RunAsync_Help_ListsEveryOptionWithItsDefault()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await LoadCommand.RunAsync(["--help"], output, error, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, exit);
        Assert.Equal("", error.ToString());
        var help = HelpText.OptionDescriptions(output.ToString());
        Assert.Equal(OptionNames.Order(StringComparer.Ordinal), help.Keys.Where(k => k != "--help").Order(StringComparer.Ordinal));
        foreach (var name in OptionNames)
        {
            Assert.Contains("[default: ", help[name], StringComparison.Ordinal);
        }

        Assert.Contains("[default: 20]", help["--apps"], StringComparison.Ordinal);
        Assert.Contains("[default: full,introspection]", help["--models"], StringComparison.Ordinal);
        Assert.Contains("[default: DOTNET_TieredCompilation=0]", help["--registry-env"], StringComparison.Ordinal);
        Assert.Contains("[default: load-results]", help["--out"], StringComparison.Ordinal);
    }

    private static LoadOptions Bind(params string[] args)
    {
        var commandLine = new LoadCommandLine();
        var parse = commandLine.Command.Parse(args);
        Assert.Empty(parse.Errors);
        return commandLine.Bind(parse);
    }
}
