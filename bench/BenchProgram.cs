using BenchmarkDotNet.Running;

namespace Introspection.Bench;

/// <summary>Entry point: <c>load</c> and <c>capacity</c> run the load tools, anything else goes to BenchmarkDotNet.</summary>
public static class BenchProgram
{
    /// <summary>Runs the benchmark switcher.</summary>
    public static int Main(string[] args)
    {
        BenchmarkSwitcher.FromAssembly(typeof(BenchProgram).Assembly).Run(args);
        return 0;
    }
}
