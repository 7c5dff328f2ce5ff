using Introspection.Bench.Capacity;
using Introspection.Bench.Infrastructure;

namespace Introspection.Bench.Tests.Capacity;

/// <summary>The <c>capacity</c> command line: defaults, the commands RESULTS.md quotes, errors and help. Nothing here starts a registry.</summary>
public sealed class CapacityCommandLineTests
{
    // Every option the tool has ever taken: RESULTS.md commands and scripts rely on these names.
    private static readonly string[] OptionNames =
    [
        "--store", "--instances", "--apps", "--concurrency", "--renew-seconds", "--keepalive-streams", "--renew-window", "--watchers",
        "--changes", "--change-interval-ms", "--duration", "--out", "--registry-dll", "--registry-arg", "--registry-env",
        "--sizes", "--renew-ttl-ms",
    ];

    [Fact]
    public void Bind_NoArguments_GivesTheDefaultRun()
    {
        var options = Bind();

        Assert.Equal(["memory", "redis"], options.Stores);
        Assert.Equal(100_000, options.Instances);
        Assert.Empty(options.Sizes);
        Assert.Equal(15_000, options.RenewTtlMs);
        Assert.Equal(1000, options.Apps);
        Assert.Equal(256, options.Concurrency);
        Assert.Equal(10, options.RenewSeconds);
        Assert.Equal(64, options.KeepAliveStreams);
        Assert.Equal(256, options.RenewWindow);
        Assert.Equal(1000, options.Watchers);
        Assert.Equal(200, options.Changes);
        Assert.Equal(50, options.ChangeIntervalMs);
        Assert.Null(options.DurationSeconds);
        Assert.Equal("capacity-results", options.OutDirectory);
        Assert.Null(options.RegistryDll);
        Assert.Empty(options.RegistryArgs);
        Assert.Empty(options.RegistryEnvironment);
    }

    [Fact]
    public void Bind_NoCoalescingCommand_PassesTheRegistryArg()
    {
        var options = Bind("--store", "memory", "--registry-arg", "Introspection:Registry:Watch:CoalescingWindow=00:00:00", "--out", "bench/results/capacity-no-coalescing");

        Assert.Equal(["memory"], options.Stores);
        Assert.Equal(["--Introspection:Registry:Watch:CoalescingWindow=00:00:00"], options.RegistryArgs);
        Assert.Equal("bench/results/capacity-no-coalescing", options.OutDirectory);
    }

    [Fact]
    public void Bind_WorkstationGcCommand_SetsTheRegistryEnvironment()
    {
        var options = Bind("--store", "memory", "--registry-env", "DOTNET_gcServer=0", "--out", "bench/results/capacity-workstation-gc");

        Assert.Equal(new Dictionary<string, string> { ["DOTNET_gcServer"] = "0" }, options.RegistryEnvironment);
    }

    [Fact]
    public void Bind_MillionInstanceCommand_MeasuresAtEachSizeAndPacesRenewals()
    {
        var options = Bind("--store", "memory", "--instances", "1000000", "--sizes", "100000,500000,100000", "--renew-ttl-ms", "15000");

        Assert.Equal(1_000_000, options.Instances);
        Assert.Equal([100_000, 500_000], options.Sizes);
        Assert.Equal(15_000, options.RenewTtlMs);
        Assert.Equal(0, Bind("--renew-ttl-ms", "0").RenewTtlMs);
    }

    [Theory]
    [InlineData("0", null)]
    [InlineData("30", 30)]
    public void Bind_Duration_ZeroMeansNoCap(string duration, int? expected)
    {
        Assert.Equal(expected, Bind("--duration", duration).DurationSeconds);
    }

    [Fact]
    public void Bind_StoreNames_AreCaseInsensitiveAndDeduplicated()
    {
        Assert.Equal(["redis", "memory"], Bind("--store", "Redis,memory,redis").Stores);
    }

    [Theory]
    [InlineData("--store takes memory, redis or memory,redis", "--store", "etcd")]
    [InlineData("--store takes memory, redis or memory,redis", "--store", ",")]
    [InlineData("--instances must be an integer in [1, 10000000], got '0'", "--instances", "0")]
    [InlineData("--duration must be an integer in [0, 86400], got '-1'", "--duration=-1")]
    [InlineData("'--sweep'", "--sweep", "100")]
    [InlineData("--sizes takes positive instance counts separated by commas, got '1000,x'", "--sizes", "1000,x")]
    [InlineData("--sizes takes positive instance counts separated by commas, got '0'", "--sizes", "0")]
    [InlineData("--renew-ttl-ms must be an integer in [0, 3600000], got '-5'", "--renew-ttl-ms=-5")]
    public async Task RunAsync_BadArguments_NamesTheProblemAndExitsWithUsageError(string expected, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await CapacityCommand.RunAsync(args, output, error, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(BenchCommandLine.UsageError, exit);
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
        Assert.Contains("capacity --help", error.ToString(), StringComparison.Ordinal);
        Assert.Equal("", output.ToString());
    }

    [Fact]
    public async Task RunAsync_Help_ListsEveryOptionWithItsDefault()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await CapacityCommand.RunAsync(["--help"], output, error, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, exit);
        Assert.Equal("", error.ToString());
        var help = HelpText.OptionDescriptions(output.ToString());
        Assert.Equal(OptionNames.Order(StringComparer.Ordinal), help.Keys.Where(k => k != "--help").Order(StringComparer.Ordinal));
        foreach (var name in OptionNames)
        {
            Assert.Contains("[default: ", help[name], StringComparison.Ordinal);
        }

        Assert.Contains("[default: memory,redis]", help["--store"], StringComparison.Ordinal);
        Assert.Contains("[default: 100000]", help["--instances"], StringComparison.Ordinal);
    }

    private static CapacityOptions Bind(params string[] args)
    {
        var commandLine = new CapacityCommandLine();
        var parse = commandLine.Command.Parse(args);
        Assert.Empty(parse.Errors);
        return commandLine.Bind(parse);
    }
}
