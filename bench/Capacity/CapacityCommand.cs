namespace Introspection.Bench.Capacity;

/// <summary>The <c>capacity</c> subcommand.</summary>
internal static class CapacityCommand
{
    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken ct) => Task.FromResult(1);
}
