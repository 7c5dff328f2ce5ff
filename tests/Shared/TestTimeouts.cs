namespace Introspection.Testing;

/// <summary>
/// Upper bounds for every await in the tests: generous, because the build machine is small and shared.
/// A bound only decides how long a failing test takes to fail; a passing test never waits for one.
/// </summary>
public static class TestTimeouts
{
    /// <summary>One step that should be quick: a call, a start, a stop.</summary>
    public static readonly TimeSpan Short = TimeSpan.FromSeconds(10);

    /// <summary>A step that may take several lease or retry rounds.</summary>
    public static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    /// <summary>Starting a host.</summary>
    public static readonly TimeSpan Start = TimeSpan.FromSeconds(20);

    /// <summary>Stopping a host.</summary>
    public static readonly TimeSpan Stop = TimeSpan.FromSeconds(20);

    /// <summary>One gRPC call.</summary>
    public static readonly TimeSpan Call = TimeSpan.FromSeconds(10);

    /// <summary>A condition that a client or provider reaches after a few background rounds.</summary>
    public static readonly TimeSpan Condition = TimeSpan.FromSeconds(15);
}
