namespace Introspection.Registry;

/// <summary>
/// Who may call the registry (section <c>Introspection:Registry:Security</c>). Credentials arrive as gRPC metadata
/// <c>authorization: Bearer &lt;token&gt;</c> (a JWT or an API key, told apart by shape) or as a TLS client
/// certificate. Each authenticated principal carries grants <c>&lt;namespace&gt;:&lt;read|write|admin&gt;[:&lt;app pattern&gt;]</c>.
/// With no authentication configured every caller has full access (the loopback development registry), and the
/// registry refuses to start on a non-loopback address unless <see cref="AllowAnonymous"/> is true.
/// </summary>
public sealed class RegistrySecurityOptions
{
    /// <summary>The section the options bind from.</summary>
    public const string SectionName = RegistryOptions.SectionName + ":Security";

    /// <summary>
    /// Lets a registry without any authentication listen beyond loopback (everyone who reaches the port may
    /// change everything). Default false. Has no effect once authentication is configured.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>
    /// Grants of callers without credentials when authentication is configured, e.g. <c>*:read</c> for an open
    /// read side. Default none: such callers get UNAUTHENTICATED.
    /// </summary>
    public IList<string> AnonymousGrants { get; set; } = [];

    /// <summary>Static API keys, stored as SHA-256 hashes. Default none.</summary>
    public IList<RegistryApiKeyOptions> ApiKeys { get; set; } = [];

    /// <summary>JWT bearer tokens from an OpenID Connect issuer (or offline signing keys). Off unless <see cref="RegistryJwtOptions.Audience"/> is set.</summary>
    public RegistryJwtOptions Jwt { get; set; } = new();

    /// <summary>TLS client certificates (mutual TLS). Off unless <see cref="RegistryClientCertificateOptions.Mode"/> is set.</summary>
    public RegistryClientCertificateOptions ClientCertificates { get; set; } = new();

    /// <summary>Whether any authentication is configured (otherwise the registry is anonymous).</summary>
    public bool IsAuthenticationConfigured =>
        ApiKeys.Count > 0 || Jwt.IsConfigured || ClientCertificates.Mode != RegistryClientCertificateMode.None;
}
