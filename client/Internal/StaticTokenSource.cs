namespace Introspection.Client.Internal;

/// <summary>An API key or static token from configuration: it does not expire and is never renewed.</summary>
internal sealed class StaticTokenSource(string value) : IIntrospectionTokenSource
{
    private readonly IntrospectionToken _token = new(value.Trim());

    public ValueTask<IntrospectionToken> GetTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_token);

    /// <summary>The configured token source: a code-given one wins over a configured static token.</summary>
    public static IIntrospectionTokenSource? From(IIntrospectionTokenSource? source, string? accessToken) =>
        source ?? (string.IsNullOrWhiteSpace(accessToken) ? null : new StaticTokenSource(accessToken));
}
