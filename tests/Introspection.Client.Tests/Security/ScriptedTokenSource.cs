namespace Introspection.Client.Tests.Security;

/// <summary>A token source the test steers: it hands out <see cref="Next"/> (or throws <see cref="Failure"/>) and counts calls.</summary>
internal sealed class ScriptedTokenSource(IntrospectionToken first) : IIntrospectionTokenSource
{
    private int _calls;

    public IntrospectionToken Next { get; set; } = first;

    public Exception? Failure { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    public ValueTask<IntrospectionToken> GetTokenAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return Failure is { } failure ? ValueTask.FromException<IntrospectionToken>(failure) : ValueTask.FromResult(Next);
    }
}
