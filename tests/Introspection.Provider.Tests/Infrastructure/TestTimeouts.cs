namespace Introspection.Provider.Tests.Infrastructure;

/// <summary>Upper bounds for every await in the tests: generous, because 2 cores are shared.</summary>
internal static class TestTimeouts
{
    public static readonly TimeSpan Short = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
}
