using BenchmarkDotNet.Running;
using Introspection.Bench.Capacity;
using Introspection.Bench.Etcd.Compare;
using Introspection.Bench.Load;
using Introspection.Bench.Micro;
using Introspection.Bench.RedisScale;

namespace Introspection.Bench;

/// <summary>Entry point: <c>load</c>, <c>capacity</c>, <c>etcd-compare</c> and <c>redis-scale</c> run the load tools, anything else goes to BenchmarkDotNet.</summary>
public static class BenchProgram
{
    /// <summary>Runs <c>load</c>, <c>capacity</c>, <c>etcd-compare</c>, <c>redis-scale</c>, or the BenchmarkDotNet switcher with the remaining arguments.</summary>
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // First Ctrl+C stops the run cleanly (children are ours to stop); the second kills us.
            e.Cancel = !cts.IsCancellationRequested;
            cts.Cancel();
        };

        try
        {
            switch (args.Length > 0 ? args[0] : "")
            {
                case "load":
                    return await LoadCommand.RunAsync(args[1..], Console.Out, cts.Token).ConfigureAwait(false);
                case "capacity":
                    return await CapacityCommand.RunAsync(args[1..], Console.Out, cts.Token).ConfigureAwait(false);
                case "etcd-compare":
                    return await CompareCommand.RunAsync(args[1..], Console.Out, cts.Token).ConfigureAwait(false);
                case "redis-scale":
                    return await RedisScaleCommand.RunAsync(args[1..], Console.Out, cts.Token).ConfigureAwait(false);
                default:
                    BenchmarkSwitcher.FromAssembly(typeof(BenchProgram).Assembly).Run(args, BenchConfig.Create());
                    return 0;
            }
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 64;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("cancelled").ConfigureAwait(false);
            return 130;
        }
    }
}
