namespace Introspection.Bench.Infrastructure;

/// <summary>The deadline of every unary registry call the load tool makes.</summary>
internal static class RpcDeadline
{
    // Generous for a registry sharing 2 cores with the load generator, yet short enough that a hung
    // registry fails the run instead of stalling it.
    public static DateTime FromNow() => DateTime.UtcNow.AddSeconds(30);
}
