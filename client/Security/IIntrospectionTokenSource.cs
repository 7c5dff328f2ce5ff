namespace Introspection.Client;

/// <summary>
/// Where registry and metadata calls get their bearer credential from: a static API key, a JWT from an OpenID
/// Connect client-credentials flow, a file a sidecar rotates. Called for every call, so an implementation that
/// fetches over the network should be wrapped in a <see cref="RefreshingTokenSource"/>, which caches the token
/// and renews it before it expires.
/// </summary>
public interface IIntrospectionTokenSource
{
    /// <summary>The token to send now.</summary>
    /// <param name="cancellationToken">Cancelled with the call that needs the token.</param>
    ValueTask<IntrospectionToken> GetTokenAsync(CancellationToken cancellationToken);
}
