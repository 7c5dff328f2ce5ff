namespace Introspection.Client.Tests.Infrastructure;

/// <summary>Every await in a test is bounded by one of these.</summary>
public static class TestTimeouts
{
    public static readonly TimeSpan Start = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan Stop = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan Call = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Condition = TimeSpan.FromSeconds(15);
}
