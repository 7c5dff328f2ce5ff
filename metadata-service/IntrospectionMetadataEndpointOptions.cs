namespace Introspection.Provider;

/// <summary>
/// Who may read the provider's metadata (<c>Introspection:Provider:Metadata</c>). Metadata lists every service,
/// method and parameter the instance serves, which tells an attacker a lot: require authentication wherever
/// consumers can send credentials (a bearer token, or a client certificate with mutual TLS).
/// </summary>
/// <remarks>
/// Applied by <c>MapIntrospectionMetadata()</c> to the <c>MetadataService</c> endpoint; the grpc.health.v1
/// endpoint stays anonymous (the registry's lease probe has no credentials to send). The application configures
/// the authentication schemes (<c>AddAuthentication().AddJwtBearer()</c>, certificate authentication) and
/// <c>AddAuthorization()</c>; <c>MapIntrospectionMetadata().RequireAuthorization(...)</c> works as well.
/// </remarks>
public sealed class IntrospectionMetadataEndpointOptions
{
    /// <summary>
    /// Whether <c>MetadataService</c> calls need an authenticated caller (the default authorization policy, or
    /// <see cref="AuthorizationPolicy"/>); anonymous calls answer UNAUTHENTICATED. Default: <c>false</c>.
    /// </summary>
    public bool RequireAuthorization { get; set; }

    /// <summary>
    /// The authorization policy a <c>MetadataService</c> caller must satisfy; setting it implies
    /// <see cref="RequireAuthorization"/>. Default: null (the default policy: any authenticated caller).
    /// </summary>
    public string? AuthorizationPolicy { get; set; }
}
